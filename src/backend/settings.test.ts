import type { DataSourceInstanceSettings, PluginContext } from './messages';
import { createInstanceCache, MissingSettingsError, NO_URL, parseSettings } from './settings';

function ds(over: Partial<DataSourceInstanceSettings> & { json?: unknown } = {}): DataSourceInstanceSettings {
  const { json, ...rest } = over;
  return {
    id: 7,
    uid: 'shopmon-kpi',
    name: 'shopmon KPI',
    url: '',
    jsonData: Buffer.from(json === undefined ? '{}' : typeof json === 'string' ? json : JSON.stringify(json)),
    decryptedSecureJsonData: { queryKey: 'qk' },
    lastUpdatedMS: 1000,
    ...rest,
  };
}

function ctx(settings: DataSourceInstanceSettings | null, orgId = 1): PluginContext {
  return { orgId, pluginId: 'shopmon-kpi-datasource', user: null, dataSourceInstanceSettings: settings, grafanaConfig: {}, pluginVersion: '', userAgent: '' };
}

describe('parseSettings', () => {
  it('reads jsonData url, timezone, timeoutSeconds and the decrypted query key', () => {
    const s = parseSettings(ds({ json: { url: 'http://kpi:8787/', timezone: 'Asia/Seoul', timeoutSeconds: 12 } }));
    expect(s).toMatchObject({ url: 'http://kpi:8787', problem: null, timezone: 'Asia/Seoul', timeoutMs: 12_000, queryKey: 'qk' });
  });

  it('prefers jsonData.url and falls back to the top-level url', () => {
    expect(parseSettings(ds({ url: 'http://top:1', json: { url: 'http://json:2' } })).url).toBe('http://json:2');
    expect(parseSettings(ds({ url: 'http://top:1', json: {} })).url).toBe('http://top:1');
  });

  it('keeps a path prefix and drops trailing slashes', () => {
    expect(parseSettings(ds({ json: { url: 'https://example.com/kpi//' } })).url).toBe('https://example.com/kpi');
  });

  it('explains a missing or bad URL instead of throwing', () => {
    expect(parseSettings(ds({ json: {} }))).toMatchObject({ url: null, problem: NO_URL });
    expect(parseSettings(ds({ json: { url: 'kpi:8787' } })).problem).toMatch(/must start with http/);
    expect(parseSettings(ds({ json: { url: 'http://' } })).problem).toMatch(/not a valid URL/);
  });

  it('defaults: 30 s timeout, no time zone; provisioning without jsonData and broken JSON read as {}', () => {
    for (const json of ['', 'not json', '[]']) {
      const s = parseSettings(ds({ json, url: 'http://kpi:8787' }));
      expect(s).toMatchObject({ url: 'http://kpi:8787', timeoutMs: 30_000, timezone: undefined });
    }
    expect(parseSettings(ds({ json: { url: 'http://k', timeoutSeconds: '5' } })).timeoutMs).toBe(5000);
    expect(parseSettings(ds({ json: { url: 'http://k', timeoutSeconds: -1 } })).timeoutMs).toBe(30_000);
    expect(parseSettings(ds({ json: { url: 'http://k', timeoutSeconds: 99999 } })).timeoutMs).toBe(300_000);
    expect(parseSettings(ds({ decryptedSecureJsonData: {} })).queryKey).toBe('');
  });
});

describe('createInstanceCache', () => {
  function cache() {
    const made: string[] = [];
    const disposed: string[] = [];
    let n = 0;
    const c = createInstanceCache(
      (settings) => {
        const id = `${settings.url}#${++n}`;
        made.push(id);
        return id;
      },
      (instance) => disposed.push(instance),
    );
    return { c, made, disposed };
  }

  it('answers the same instance while the settings are unchanged', () => {
    const { c, made } = cache();
    const a = c.get(ctx(ds({ json: { url: 'http://a' } })));
    expect(c.get(ctx(ds({ json: { url: 'http://a' } })))).toBe(a);
    expect(made).toHaveLength(1);
  });

  it('makes a new instance when the settings were saved again, and disposes the old one', () => {
    const { c, disposed } = cache();
    const old = c.get(ctx(ds({ json: { url: 'http://a' }, lastUpdatedMS: 1 })));
    const fresh = c.get(ctx(ds({ json: { url: 'http://b' }, lastUpdatedMS: 2 })));
    expect(fresh).toBe('http://b#2');
    expect(disposed).toEqual([old]);
    expect(c.size()).toBe(1);
  });

  it('keeps datasources and organisations apart', () => {
    const { c } = cache();
    const a = c.get(ctx(ds({ uid: 'one', json: { url: 'http://a' } })));
    const b = c.get(ctx(ds({ uid: 'two', json: { url: 'http://a' } })));
    const other = c.get(ctx(ds({ uid: 'one', json: { url: 'http://a' } }), 2));
    expect(new Set([a, b, other]).size).toBe(3);
    expect(c.size()).toBe(3);
  });

  it('clear disposes every instance', () => {
    const { c, disposed } = cache();
    c.get(ctx(ds({ uid: 'one' })));
    c.get(ctx(ds({ uid: 'two' })));
    c.clear();
    expect(disposed).toHaveLength(2);
    expect(c.size()).toBe(0);
  });

  it('a request without datasource settings is an error that says so', () => {
    const { c } = cache();
    expect(() => c.get(ctx(null))).toThrow(MissingSettingsError);
    expect(() => c.get(null)).toThrow(/no datasource settings/);
  });
});
