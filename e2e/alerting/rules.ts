import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as load } from 'yaml';

/**
 * Alert rules in Grafana's file provisioning format (apiVersion 1, groups[].rules[]), read with
 * the yaml package. Durations are Prometheus-style ("90s", "5m", "1h30m").
 */

export interface AlertQuery {
  refId: string;
  queryType?: string;
  /** Seconds before the evaluation time. */
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

export interface AlertRule {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  for?: string;
  noDataState?: 'NoData' | 'Alerting' | 'OK' | 'KeepLast';
  execErrState?: 'Error' | 'Alerting' | 'OK' | 'KeepLast';
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  isPaused?: boolean;
}

interface RuleGroup {
  orgId?: number;
  name: string;
  folder: string;
  interval: string;
  rules: AlertRule[];
}

export interface LoadedRule extends AlertRule {
  file: string;
  group: string;
  folder: string;
  intervalMs: number;
  forMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };

export function parseDuration(text: string | undefined): number {
  if (text === undefined || text === '' || text === '0') return 0;
  let total = 0;
  let rest = text.trim();
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w)/.exec(rest);
    if (!m) throw new Error(`cannot read the duration "${text}"`);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

export function ruleFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function loadRules(files: string[]): LoadedRule[] {
  const out: LoadedRule[] = [];
  for (const file of files) {
    const doc = load(readFileSync(file, 'utf8')) as { groups?: RuleGroup[] } | null;
    for (const group of doc?.groups ?? []) {
      for (const rule of group.rules ?? []) {
        out.push({ ...rule, file, group: group.name, folder: group.folder, intervalMs: parseDuration(group.interval), forMs: parseDuration(rule.for) });
      }
    }
  }
  return out;
}

/** Rules with at least one query on the datasource. */
export function rulesOn(rules: LoadedRule[], datasourceUid: string): LoadedRule[] {
  return rules.filter((r) => r.data.some((q) => q.datasourceUid === datasourceUid));
}
