import type { PluginContext, User } from '../../src/backend/messages';
import { DATASOURCE_ID } from './paths';

/**
 * The datasources of the host, as Grafana's datasource service keeps them: settings a user
 * saves (jsonData, url) and secrets (secureJsonData) that only the backend plugin sees,
 * decrypted, in its PluginContext. The browser gets secureJsonFields (which secrets are set),
 * never a secret. Saving bumps `updated` (lastUpdatedMS), which makes the plugin rebuild its
 * instance, as it does under Grafana.
 */

export interface DatasourceRecord {
  id: number;
  uid: string;
  name: string;
  type: string;
  url: string;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  readOnly: boolean;
  version: number;
  updated: number;
}

/** GET /api/datasources/uid/:uid: what the settings page edits. */
export interface DatasourceDTO {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  typeName: string;
  access: 'proxy';
  url: string;
  user: string;
  database: string;
  basicAuth: boolean;
  withCredentials: boolean;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  secureJsonFields: Record<string, boolean>;
  version: number;
  readOnly: boolean;
}

/** The PUT body: the DTO as the ConfigEditor changed it, with new secrets in secureJsonData. */
export interface DatasourceUpdate {
  name?: string;
  url?: string;
  isDefault?: boolean;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

export const GRAFANA_VERSION = '12.4.0';
export const ADMIN: User = { login: 'admin', name: 'admin', email: 'admin@localhost', role: 'Admin' };
/** The user alert rules run as. */
export const SCHEDULER: User = { login: 'grafana_scheduler', name: '', email: '', role: 'Admin' };

export class DatasourceStore {
  private readonly records = new Map<string, DatasourceRecord>();
  private nextId = 1;
  private lastUpdate = 0;

  constructor(private readonly pluginVersion: string) {}

  private stamp(): number {
    // lastUpdatedMS must change with every save, even two saves in one millisecond.
    this.lastUpdate = Math.max(Date.now(), this.lastUpdate + 1);
    return this.lastUpdate;
  }

  add(init: Partial<DatasourceRecord> & { uid: string; name: string }): DatasourceRecord {
    const record: DatasourceRecord = {
      id: this.nextId++,
      type: DATASOURCE_ID,
      url: '',
      isDefault: this.records.size === 0,
      jsonData: {},
      secureJsonData: {},
      readOnly: false,
      version: 1,
      ...init,
      updated: this.stamp(),
    };
    this.records.set(record.uid, record);
    return record;
  }

  get(uid: string): DatasourceRecord | undefined {
    return this.records.get(uid);
  }

  byId(id: number): DatasourceRecord | undefined {
    return [...this.records.values()].find((r) => r.id === id);
  }

  list(): DatasourceRecord[] {
    return [...this.records.values()];
  }

  /** Grafana's update: jsonData replaced, secrets sent replace theirs, secrets not sent are kept. */
  update(uid: string, dto: DatasourceUpdate): DatasourceRecord {
    const old = this.records.get(uid);
    if (!old) throw new Error(`no datasource ${uid}`);
    const next: DatasourceRecord = {
      ...old,
      name: dto.name ?? old.name,
      url: dto.url ?? old.url,
      isDefault: dto.isDefault ?? old.isDefault,
      jsonData: dto.jsonData ?? old.jsonData,
      secureJsonData: { ...old.secureJsonData, ...(dto.secureJsonData ?? {}) },
      version: old.version + 1,
      updated: this.stamp(),
    };
    this.records.set(uid, next);
    return next;
  }

  dto(r: DatasourceRecord): DatasourceDTO {
    return {
      id: r.id,
      uid: r.uid,
      orgId: 1,
      name: r.name,
      type: r.type,
      typeName: 'Shopmon KPI',
      access: 'proxy',
      url: r.url,
      user: '',
      database: '',
      basicAuth: false,
      withCredentials: false,
      isDefault: r.isDefault,
      jsonData: r.jsonData,
      secureJsonFields: Object.fromEntries(Object.entries(r.secureJsonData).map(([k, v]) => [k, v !== ''])),
      version: r.version,
      readOnly: r.readOnly,
    };
  }

  /** The PluginContext Grafana sends with every call for this datasource. */
  pluginContext(r: DatasourceRecord, user: User = ADMIN, appUrl = ''): PluginContext {
    return {
      orgId: 1,
      pluginId: r.type,
      user,
      dataSourceInstanceSettings: {
        id: r.id,
        uid: r.uid,
        name: r.name,
        url: r.url,
        jsonData: Buffer.from(JSON.stringify(r.jsonData)),
        decryptedSecureJsonData: { ...r.secureJsonData },
        lastUpdatedMS: r.updated,
      },
      grafanaConfig: { GF_APP_URL: appUrl, GF_SQL_MAX_OPEN_CONNS_DEFAULT: '100', concurrent_query_count: '10' },
      pluginVersion: this.pluginVersion,
      userAgent: `Grafana/${GRAFANA_VERSION} (linux; amd64)`,
    };
  }
}
