import type { DataQuery } from '../../src/backend/messages';
import type { PluginHost } from '../../src/backend/testHost';
import { SCHEDULER, type DatasourceStore } from '../host/datasources';
import { decodeFrames } from '../host/frames';
import { evaluateMath } from './math';
import type { AlertQuery, LoadedRule } from './rules';
import { ExpressionError, fromFrames, labelKey, reduce, thresholdExpression, type Labels, type ReduceMode, type Results } from './sse';

/**
 * One alert rule evaluated as Grafana's alerting does (pkg/services/ngalert/eval and the
 * scheduler), with our backend plugin as the datasource:
 * - each datasource query becomes a QueryData request of its own, time range = the rule's
 *   relativeTimeRange before the evaluation time, maxDataPoints 43200 and intervalMs 1000
 *   unless the model sets them (also written into the query JSON), headers FromAlert: true,
 *   X-Cache-Skip: true, X-Rule-Uid, user grafana_scheduler, the datasource's provisioned settings;
 * - a query error is an execution error of the whole rule; frames Grafana cannot decode too;
 * - expressions (sse.ts, math.ts) in dependency order; the condition's numbers become
 *   instances by their labels: no value = NoData, 0 = Normal, anything else (NaN too) = Alerting;
 * - NoData and Error map through noDataState / execErrState, and an instance is Alerting
 *   (firing) only after its condition held for `for` at consecutive evaluations (Pending before).
 */

export type ResultState = 'Normal' | 'Alerting' | 'NoData' | 'Error';
export type InstanceState = 'Normal' | 'Pending' | 'Alerting' | 'NoData' | 'Error';

export interface Outcome {
  at: number;
  error?: string;
  /** Instances of this evaluation: labels, condition value and the result state. */
  instances: Array<{ labels: Labels; value: number | null; state: ResultState }>;
  /** Every node's results (for a readable report). */
  nodes: Record<string, Results>;
}

export interface AlertDeps {
  plugin: PluginHost;
  datasources: DatasourceStore;
}

export const ALERT_MAX_DATA_POINTS = 43200;
export const ALERT_INTERVAL_MS = 1000;
const EXPR_UID = '__expr__';

export class QueryError extends Error {}

/** The query Grafana's alerting sends for one data entry of a rule evaluated at `now`. */
export function alertDataQuery(q: AlertQuery, now: number): DataQuery {
  const model: Record<string, unknown> = { ...q.model, refId: q.refId };
  model.intervalMs ??= ALERT_INTERVAL_MS;
  model.maxDataPoints ??= ALERT_MAX_DATA_POINTS;
  const range = q.relativeTimeRange ?? { from: 600, to: 0 };
  return {
    refId: q.refId,
    maxDataPoints: Number(model.maxDataPoints),
    intervalMS: Number(model.intervalMs),
    timeRange: { fromEpochMS: now - range.from * 1000, toEpochMS: now - range.to * 1000 },
    json: Buffer.from(JSON.stringify(model)),
    queryType: q.queryType ?? (typeof model.queryType === 'string' ? model.queryType : ''),
  };
}

export function alertHeaders(rule: LoadedRule): Record<string, string> {
  return { FromAlert: 'true', 'X-Cache-Skip': 'true', 'X-Rule-Uid': rule.uid };
}

async function runDatasourceQuery(rule: LoadedRule, q: AlertQuery, now: number, deps: AlertDeps): Promise<Results> {
  const ds = deps.datasources.get(q.datasourceUid);
  if (!ds) throw new QueryError(`datasource ${q.datasourceUid} is not one the e2e host runs`);
  const res = await deps.plugin.queryData({ pluginContext: deps.datasources.pluginContext(ds, SCHEDULER), queries: [alertDataQuery(q, now)] }, alertHeaders(rule));
  const r = res.responses[q.refId];
  if (!r) throw new QueryError(`[sse.dataQueryError] no response for query ${q.refId}`);
  if (r.error) throw new QueryError(`[sse.dataQueryError] failed to execute query [${q.refId}]: ${r.error}`);
  return fromFrames(decodeFrames(r.frames).map((d) => d.json));
}

interface ReduceModel {
  expression: string;
  reducer: string;
  settings?: { mode?: ReduceMode; replaceWithValue?: number };
}
interface ThresholdModel {
  expression: string;
  conditions: Array<{ evaluator: { type: string; params: number[] }; unloadEvaluator?: unknown }>;
}

async function evaluateNodes(rule: LoadedRule, now: number, deps: AlertDeps): Promise<Record<string, Results>> {
  const byRef = new Map(rule.data.map((q) => [q.refId, q]));
  const done = new Map<string, Promise<Results>>();
  const node = (ref: string): Promise<Results> => {
    let p = done.get(ref);
    if (p) return p;
    const q = byRef.get(ref);
    if (!q) throw new ExpressionError(`the rule refers to ${ref}, which it does not define`);
    p = q.datasourceUid === EXPR_UID ? expression(q) : runDatasourceQuery(rule, q, now, deps);
    done.set(ref, p);
    return p;
  };
  const expression = async (q: AlertQuery): Promise<Results> => {
    const type = q.model.type;
    if (type === 'reduce') {
      const m = q.model as unknown as ReduceModel;
      return reduce(await node(m.expression), m.reducer, m.settings?.mode ?? '', m.settings?.replaceWithValue ?? 0);
    }
    if (type === 'threshold') {
      const m = q.model as unknown as ThresholdModel;
      const c = m.conditions[0];
      if (!c || m.conditions.length !== 1) throw new ExpressionError(`threshold ${q.refId} must have exactly one condition`);
      if (c.unloadEvaluator) throw new ExpressionError(`threshold ${q.refId}: recovery thresholds are not supported by the e2e evaluator`);
      return evaluateMath(thresholdExpression(m.expression, c.evaluator.type, c.evaluator.params), { [m.expression]: await node(m.expression) });
    }
    if (type === 'math') {
      const text = String(q.model.expression);
      const refs = [...text.matchAll(/\$\{?([A-Za-z0-9_]+)\}?/g)].map((m) => m[1]!);
      const vars: Record<string, Results> = {};
      for (const ref of refs) vars[ref] = await node(ref);
      return evaluateMath(text, vars);
    }
    throw new ExpressionError(`expression type ${String(type)} (${q.refId}) is not supported by the e2e evaluator (reduce, threshold, math)`);
  };
  await node(rule.condition);
  for (const q of rule.data) await node(q.refId);
  return Object.fromEntries(await Promise.all([...done].map(async ([k, p]) => [k, await p] as const)));
}

/** One evaluation of the rule at `now`. */
export async function evaluateOnce(rule: LoadedRule, now: number, deps: AlertDeps): Promise<Outcome> {
  let nodes: Record<string, Results>;
  try {
    nodes = await evaluateNodes(rule, now, deps);
  } catch (e) {
    if (e instanceof QueryError || e instanceof ExpressionError || (e as Error).name === 'FrameDecodeError') return { at: now, error: (e as Error).message, instances: [], nodes: {} };
    throw e;
  }
  const condition = nodes[rule.condition]!;
  if (condition.noData) return { at: now, instances: [{ labels: {}, value: null, state: 'NoData' }], nodes };
  const seen = new Set<string>();
  const instances: Outcome['instances'] = [];
  for (const v of condition.values) {
    if (v.kind !== 'number') return { at: now, error: 'invalid format of evaluation results: looks like time series data, only reduced data can be alerted on', instances: [], nodes };
    const key = labelKey(v.labels);
    if (seen.has(key)) return { at: now, error: `frames cannot uniquely be identified by their labels: ${key}`, instances: [], nodes };
    seen.add(key);
    instances.push({ labels: v.labels, value: v.value, state: v.value === null ? 'NoData' : v.value === 0 ? 'Normal' : 'Alerting' });
  }
  return { at: now, instances, nodes };
}

export interface Instance {
  labels: Labels;
  state: InstanceState;
  since: number;
  value: number | null;
}

function mapped(state: ResultState, rule: LoadedRule): ResultState | 'KeepLast' {
  if (state === 'NoData') {
    const s = rule.noDataState ?? 'NoData';
    return s === 'OK' ? 'Normal' : s;
  }
  if (state === 'Error') {
    const s = rule.execErrState ?? 'Error';
    return s === 'OK' ? 'Normal' : s;
  }
  return state;
}

/** Grafana's state manager over consecutive evaluations: Pending until `for` has passed. */
export function nextStates(prev: Map<string, Instance>, outcome: Outcome, rule: LoadedRule): Map<string, Instance> {
  const next = new Map<string, Instance>();
  const results = outcome.error ? [{ labels: {}, value: null, state: 'Error' as ResultState }] : outcome.instances;
  for (const r of results) {
    const key = labelKey(r.labels);
    const old = prev.get(key);
    const want = mapped(r.state, rule);
    const t = outcome.at;
    let state: InstanceState;
    let since = t;
    if (want === 'KeepLast') {
      state = old?.state ?? 'Normal';
      since = old?.since ?? t;
    } else if (want === 'Alerting') {
      if (old?.state === 'Alerting') [state, since] = ['Alerting', old.since];
      else if (old?.state === 'Pending') [state, since] = t - old.since >= rule.forMs ? ['Alerting', t] : ['Pending', old.since];
      else state = rule.forMs > 0 ? 'Pending' : 'Alerting';
    } else {
      state = want;
      if (old?.state === want) since = old.since;
    }
    next.set(key, { labels: r.labels, state, since, value: r.value });
  }
  return next;
}

/** Evaluations at every tick of the rule's group interval from `from` to `to`; the states after the last. */
export async function evaluateAt(rule: LoadedRule, to: number, deps: AlertDeps): Promise<{ states: Instance[]; last: Outcome }> {
  const step = rule.intervalMs || 60_000;
  let states = new Map<string, Instance>();
  let last: Outcome | undefined;
  for (let t = to - rule.forMs - step; t <= to; t += step) {
    last = await evaluateOnce(rule, t, deps);
    states = nextStates(states, last, rule);
  }
  return { states: [...states.values()], last: last! };
}
