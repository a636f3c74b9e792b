import { COMMON_DIMENSIONS, DEFAULT_FUNNEL, FUNNEL_STEPS } from '../../kpi/vocabulary';
import { parseTimeField, validateFilters, type QueryError } from '../../kpi/query';
import { DAY, intervalMs, parseInterval } from '../../kpi/time';
import type { FunnelPlan, FunnelRow } from './plan';


type Result<T> = { ok: true; value: T } | { ok: false; error: QueryError };
const fail = (field: string, message: string): { ok: false; error: QueryError } => ({ ok: false, error: { field, message } });

/** Validates a /v1/funnel body. Filters and groups may use the dimensions every event carries. */
export function resolveFunnel(raw: unknown, now: number): Result<FunnelPlan> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('', 'the body must be a JSON object');
  const body = raw as Record<string, unknown>;
  const steps = body.steps ?? DEFAULT_FUNNEL;
  if (!Array.isArray(steps) || steps.length < 1 || steps.length > 10) return fail('steps', 'must be an array of 1 to 10 step names');
  const unknown = steps.find((s) => typeof s !== 'string' || !FUNNEL_STEPS.includes(s));
  if (unknown !== undefined) return fail('steps', `unknown step ${JSON.stringify(unknown)}; use ${FUNNEL_STEPS.join(', ')}`);
  const from = parseTimeField(body.from ?? now - DAY, 'from');
  if (!from.ok) return from;
  const to = parseTimeField(body.to ?? now, 'to');
  if (!to.ok) return to;
  if (to.value < from.value) return fail('to', 'must not be before from');
  const filters = validateFilters(body.filters);
  if (!filters.ok) return filters;
  const common: readonly string[] = COMMON_DIMENSIONS;
  const badFilter = filters.value.find((f) => !common.includes(f.dimension));
  if (badFilter) return fail('filters', `a funnel can filter by ${common.join(', ')}; not by ${badFilter.dimension}`);
  const groupBy = body.group_by === undefined ? [] : Array.isArray(body.group_by) ? body.group_by : [body.group_by];
  const badGroup = groupBy.find((g) => typeof g !== 'string' || !common.includes(g));
  if (badGroup !== undefined) return fail('group_by', `a funnel can group by ${common.join(', ')}; not by ${JSON.stringify(badGroup)}`);
  if (groupBy.length > 2) return fail('group_by', 'at most 2 dimensions');
  let windowMs = to.value - from.value;
  if (body.window !== undefined) {
    const w = typeof body.window === 'string' ? parseInterval(body.window) : null;
    if (!w) return fail('window', 'must be a duration like 30m, 1h, 1d, 7d');
    windowMs = intervalMs(w);
  }
  return { ok: true, value: { steps: steps as string[], from: from.value, to: to.value, filters: filters.value, groupBy: groupBy as string[], windowMs } };
}

const pct = (a: number, b: number) => (b === 0 ? null : (a / b) * 100);

export function funnelSteps(steps: string[], visitors: number[]) {
  return steps.map((step, i) => {
    const n = visitors[i] ?? 0;
    return {
      step,
      visitors: n,
      from_previous: i === 0 ? 100 : pct(n, visitors[i - 1] ?? 0),
      from_first: i === 0 ? 100 : pct(n, visitors[0] ?? 0),
    };
  });
}

export function funnelAnswer(plan: FunnelPlan, rows: FunnelRow[]) {
  if (plan.groupBy.length === 0) return { steps: funnelSteps(plan.steps, rows[0]?.visitors ?? plan.steps.map(() => 0)) };
  return {
    groups: rows
      // Equal first steps sort by their labels, so the order does not depend on the store.
      .sort((a, b) => (b.visitors[0] ?? 0) - (a.visitors[0] ?? 0) || JSON.stringify(a.groups).localeCompare(JSON.stringify(b.groups)))
      .map((r) => ({ labels: Object.fromEntries(plan.groupBy.map((d, i) => [d, r.groups[i] ?? ''])), steps: funnelSteps(plan.steps, r.visitors) })),
  };
}
