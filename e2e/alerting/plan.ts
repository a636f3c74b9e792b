import type { Incident, IncidentName } from '../../src/demo/generator';
import { HOUR, MINUTE } from '../fixtures/shopData';
import type { LoadedRule } from './rules';

/**
 * Which scripted incident of the demo data a rule is meant to catch, when to evaluate it, and
 * which stretches of the demo traffic those evaluations read (only those are ingested: the
 * rules are tuned for the stack's traffic, 10 events/s, and a week of it is too much to ingest
 * in a test).
 *
 * A rule names its incident with the label or annotation `incident` (payment_outage,
 * search_index_failure, traffic_spike); otherwise it is inferred from the metrics it queries:
 * payments* → payment_outage, *searches / zero_result_rate → search_index_failure, page_views /
 * visitors / sessions grouped or filtered by channel → traffic_spike. Other rules (orders
 * dropped...) have no scripted incident and must stay normal at every quiet time.
 */

const INCIDENTS: readonly IncidentName[] = ['payment_outage', 'search_index_failure', 'traffic_spike'];
const PAYMENT = /^(payments|payments_failed|payment_failure_rate)$/;
const SEARCH = /^(searches|zero_result_searches|zero_result_rate)$/;
const TRAFFIC = /^(page_views|visitors|sessions)$/;
/** Quiet time: the same day, this long before the incident starts. */
export const QUIET_BEFORE = 4 * HOUR;

interface Model {
  metric?: string;
  expr?: string;
  groupBy?: string[];
  filters?: Array<{ dimension?: string }>;
}

function metricsOf(model: Model): string[] {
  if (model.metric) return [model.metric];
  return [...(model.expr ?? '').matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
}

export function incidentOf(rule: LoadedRule, datasourceUid: string): IncidentName | null {
  const named = rule.labels?.incident ?? rule.annotations?.incident;
  if (named && (INCIDENTS as readonly string[]).includes(named)) return named as IncidentName;
  const models = rule.data.filter((q) => q.datasourceUid === datasourceUid).map((q) => q.model as Model);
  const metrics = models.flatMap(metricsOf);
  if (metrics.some((m) => PAYMENT.test(m))) return 'payment_outage';
  if (metrics.some((m) => SEARCH.test(m))) return 'search_index_failure';
  const byChannel = models.some((m) => m.groupBy?.includes('channel') || m.filters?.some((f) => f.dimension === 'channel') || /channel/.test(m.expr ?? ''));
  if (byChannel && metrics.some((m) => TRAFFIC.test(m))) return 'traffic_spike';
  return null;
}

/** How far back the rule's current-window queries read (ms). */
function lookback(rule: LoadedRule, datasourceUid: string): number {
  return Math.max(0, ...rule.data.filter((q) => q.datasourceUid === datasourceUid).map((q) => ((q.relativeTimeRange?.from ?? 600) - (q.relativeTimeRange?.to ?? 0)) * 1000));
}

function ceilTo(t: number, step: number): number {
  return Math.ceil(t / step) * step;
}

/** Inside the incident, late enough that the rule's window and `for` lie in it (or at its end). */
export function fireTime(rule: LoadedRule, incident: Incident, datasourceUid: string): number {
  const step = rule.intervalMs || MINUTE;
  const wanted = ceilTo(incident.start + lookback(rule, datasourceUid) + rule.forMs + 2 * step, step);
  return Math.min(wanted, Math.floor(incident.end / step) * step);
}

export function quietTime(incident: Incident): number {
  return Math.floor((incident.start - QUIET_BEFORE) / MINUTE) * MINUTE;
}

/** [from, to) stretches of data the evaluations of `rule` ending at `at` read. */
export function windowsFor(rule: LoadedRule, at: number, datasourceUid: string): Array<[number, number]> {
  const first = at - rule.forMs - (rule.intervalMs || MINUTE);
  return rule.data
    .filter((q) => q.datasourceUid === datasourceUid)
    .map((q): [number, number] => [first - (q.relativeTimeRange?.from ?? 600) * 1000, at - (q.relativeTimeRange?.to ?? 0) * 1000]);
}

export function mergeWindows(windows: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else out.push([...w]);
  }
  return out;
}

export interface Check {
  rule: LoadedRule;
  at: number;
  /** "fire" inside an incident, "quiet" 4 hours before one, the same day. */
  when: 'fire' | 'quiet';
  incident: IncidentName;
  /** What the rule must show at the end of the evaluations at `at`; null: only reported. */
  expect: 'Alerting' | 'Normal' | null;
}

export interface Plan {
  days: number;
  incidents: Incident[];
  checks: Check[];
  windows: Array<[number, number]>;
}

/**
 * The evaluations: every rule at every incident's fire and quiet time whose windows lie inside
 * the data, with the smallest number of days (from 3) at which each rule's own checks fit
 * (rules reading "a week ago" need the incident a week into the data).
 */
export function planEvaluations(rules: LoadedRule[], end: number, datasourceUid: string, incidentsFor: (days: number) => Incident[]): Plan {
  for (let days = 3; days <= 40; days++) {
    const start = end - days * 86_400_000;
    const incidents = incidentsFor(days);
    const inside = (rule: LoadedRule, at: number) => windowsFor(rule, at, datasourceUid).every(([from]) => from >= start);
    const checks: Check[] = [];
    for (const rule of rules) {
      const own = incidentOf(rule, datasourceUid);
      for (const incident of incidents) {
        const fire = fireTime(rule, incident, datasourceUid);
        const quiet = quietTime(incident);
        if (inside(rule, fire)) checks.push({ rule, at: fire, when: 'fire', incident: incident.name, expect: own === incident.name ? 'Alerting' : null });
        if (inside(rule, quiet)) checks.push({ rule, at: quiet, when: 'quiet', incident: incident.name, expect: 'Normal' });
      }
    }
    const covered = rules.every((rule) => {
      const own = incidentOf(rule, datasourceUid);
      const mine = checks.filter((c) => c.rule === rule);
      return own ? mine.some((c) => c.incident === own && c.when === 'fire') && mine.some((c) => c.incident === own && c.when === 'quiet') : mine.some((c) => c.when === 'quiet');
    });
    if (!covered) continue;
    const windows = mergeWindows(checks.flatMap((c) => windowsFor(c.rule, c.at, datasourceUid)));
    return { days, incidents, checks, windows };
  }
  throw new Error('no number of demo days up to 40 puts every rule\'s incident and quiet windows inside the data');
}
