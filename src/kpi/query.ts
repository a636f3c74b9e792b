import type { Aggregate, Catalog, MetricDefinition } from './catalog';
import { DIMENSION_NAMES } from './catalog';
import { parseTimestamp } from './timestamp';
import { parseExpression, selectorsOf, type Expr, type MatchOp } from './expression';
import { autoInterval, compareOffset, DAY, intervalMs, isValidTimeZone, parseInterval, type Interval } from './time';

/** The query model of DESIGN.md "Query API", shared by the service, the backend plugin and the editor. */

import { COMPARES, FILTER_OPS, FORMATS, type Compare, type FilterOp, type Format } from './vocabulary';

export { COMPARES, FILTER_OPS, FORMATS, type Compare, type FilterOp, type Format };

export interface Filter {
  dimension: string;
  op: FilterOp;
  values: string[];
}

export interface KpiQueryRequest {
  metric?: string;
  expr?: string;
  from?: string | number;
  to?: string | number;
  interval?: string;
  max_points?: number;
  timezone?: string;
  filters?: Filter[];
  group_by?: string[];
  compare?: Compare;
  format?: Format;
  limit?: number;
  other?: boolean;
}

export interface QueryError {
  field: string;
  message: string;
}

/** One base aggregate the store computes, under the filters of the selector that needs it. */
export interface AggregateTerm {
  id: string;
  aggregate: Aggregate;
  filters: Filter[];
}

export interface ResolvedQuery {
  expr: Expr;
  /** Each selector of `expr` (by source position) with its metric and the filters of its matchers. */
  selectors: Array<{ metric: MetricDefinition; filters: Filter[] }>;
  terms: AggregateTerm[];
  from: number;
  to: number;
  interval: Interval;
  timezone: string;
  filters: Filter[];
  groupBy: string[];
  compare: Compare;
  format: Format;
  limit: number | null;
  other: boolean;
  /** Unit of the result: the metric's unit for a single selector, else "short". */
  unit: string;
  /** The metric's direction for a single selector, else null. */
  higherIsBetter: boolean | null;
}

export const QUERY_LIMITS = { maxFilters: 20, maxValues: 1000, maxGroupBy: 3, maxPoints: 11_000, maxRangeDays: 800 };

const MATCH_OPS: Record<MatchOp, FilterOp> = { '=': 'eq', '!=': 'neq', '=~': 'regex', '!~': 'not_regex' };

type Result<T> = { ok: true; value: T } | { ok: false; error: QueryError };
const fail = (field: string, message: string): { ok: false; error: QueryError } => ({ ok: false, error: { field, message } });

export function parseTimeField(value: unknown, field: string): Result<number> {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return fail(field, 'is required: RFC 3339 (2026-11-25T00:00:00+09:00) or epoch milliseconds');
  }
  const parsed = parseTimestamp(value, field);
  return typeof parsed === 'number' ? { ok: true, value: parsed } : { ok: false, error: parsed };
}

export function validateFilters(raw: unknown, field = 'filters'): Result<Filter[]> {
  if (raw === undefined || raw === null) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return fail(field, 'must be an array of {dimension, op, values}');
  if (raw.length > QUERY_LIMITS.maxFilters) return fail(field, `at most ${QUERY_LIMITS.maxFilters} filters`);
  const filters: Filter[] = [];
  for (const [i, f] of raw.entries()) {
    const at = `${field}[${i}]`;
    if (typeof f !== 'object' || f === null) return fail(at, 'must be an object {dimension, op, values}');
    const { dimension, op, values } = f as Record<string, unknown>;
    if (typeof dimension !== 'string' || !DIMENSION_NAMES.has(dimension)) {
      return fail(`${at}.dimension`, `unknown dimension ${JSON.stringify(dimension)}; known: ${[...DIMENSION_NAMES].join(', ')}`);
    }
    if (typeof op !== 'string' || !(FILTER_OPS as readonly string[]).includes(op)) {
      return fail(`${at}.op`, `unknown operator ${JSON.stringify(op)}; use ${FILTER_OPS.join(', ')}`);
    }
    const list = typeof values === 'string' ? [values] : values;
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
      return fail(`${at}.values`, 'must be a non-empty array of strings');
    }
    if (list.length > QUERY_LIMITS.maxValues) return fail(`${at}.values`, `at most ${QUERY_LIMITS.maxValues} values`);
    const regexError = op === 'regex' || op === 'not_regex' ? list.map(checkRegex).find(Boolean) : undefined;
    if (regexError) return fail(`${at}.values`, regexError);
    filters.push({ dimension, op: op as FilterOp, values: list as string[] });
  }
  return { ok: true, value: filters };
}

function checkRegex(pattern: string): string | undefined {
  if (pattern.length > 1000) return 'a regular expression may be at most 1000 characters';
  try {
    new RegExp(pattern);
    return undefined;
  } catch (e) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`;
  }
}

const matcherFilter = (m: { dimension: string; op: MatchOp; value: string }): Filter => ({ dimension: m.dimension, op: MATCH_OPS[m.op], values: [m.value] });
const filterKey = (f: Filter) => JSON.stringify(f);

/** The expression without the matchers whose filters moved to the query (see resolveQuery). */
function withoutMatchers(expr: Expr, hoisted: ReadonlySet<string>): Expr {
  switch (expr.kind) {
    case 'number':
      return expr;
    case 'neg':
      return { ...expr, operand: withoutMatchers(expr.operand, hoisted) };
    case 'binary':
      return { ...expr, left: withoutMatchers(expr.left, hoisted), right: withoutMatchers(expr.right, hoisted) };
    case 'selector':
      return { ...expr, matchers: expr.matchers.filter((m) => !hoisted.has(filterKey(matcherFilter(m)))) };
  }
}

function termId(aggregate: Aggregate, filters: Filter[]): string {
  return JSON.stringify([aggregate, filters]);
}

/** Every base aggregate a metric needs, following its formula. */
export function aggregatesOf(metric: MetricDefinition, catalog: Catalog): Aggregate[] {
  const f = metric.formula;
  if (f.op === 'base') return [f.aggregate];
  const parts = f.op === 'ratio' ? [f.numerator, f.denominator] : [f.left, f.right];
  return parts.flatMap((name) => aggregatesOf(catalog.byName.get(name)!, catalog));
}

export function termFor(aggregate: Aggregate, filters: Filter[]): AggregateTerm {
  return { id: termId(aggregate, filters), aggregate, filters };
}

function resolveExpression(req: KpiQueryRequest): Result<{ expr: Expr; by: string[]; field: string }> {
  if (typeof req.metric === 'string' && req.metric !== '') {
    if (req.expr) return fail('metric', 'give either metric or expr, not both');
    return { ok: true, value: { expr: { kind: 'selector', metric: req.metric, matchers: [], pos: { offset: 0, line: 1, column: 1 } }, by: [], field: 'metric' } };
  }
  if (typeof req.expr !== 'string' || req.expr.trim() === '') return fail('metric', 'is required (or expr)');
  const parsed = parseExpression(req.expr);
  if (!parsed.ok) {
    const e = parsed.error;
    return fail('expr', `line ${e.line}, column ${e.column}: ${e.message}`);
  }
  return { ok: true, value: { expr: parsed.query.expr, by: parsed.query.by, field: 'expr' } };
}

function resolveInterval(req: KpiQueryRequest, from: number, to: number): Result<Interval> {
  const maxPoints = req.max_points ?? 1000;
  if (typeof maxPoints !== 'number' || !Number.isInteger(maxPoints) || maxPoints < 1) {
    return fail('max_points', 'must be a positive integer');
  }
  if (req.interval === undefined || req.interval === 'auto' || req.interval === '') {
    return { ok: true, value: autoInterval(to - from, Math.min(maxPoints, QUERY_LIMITS.maxPoints)) };
  }
  const interval = typeof req.interval === 'string' ? parseInterval(req.interval) : null;
  if (!interval) return fail('interval', `must be "auto" or a duration like 1m, 5m, 1h, 1d, 1w, 1M (got ${JSON.stringify(req.interval)})`);
  if (req.format !== 'total' && (to - from) / intervalMs(interval) > QUERY_LIMITS.maxPoints) {
    return fail('interval', `${interval.text} gives more than ${QUERY_LIMITS.maxPoints} points over this range; use a longer interval`);
  }
  if (interval.kind === 'fixed' && interval.ms < 60_000 && (to - from) > DAY) {
    return fail('interval', 'intervals under 1m are allowed only on ranges up to one day');
  }
  return { ok: true, value: interval };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback: T): Result<T> {
  if (value === undefined || value === null || value === '') return { ok: true, value: fallback };
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return { ok: true, value: value as T };
  return fail(field, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

export interface QueryDefaults {
  timezone: string;
  now: number;
}

/** Validates a /v1/query body against the catalog; every error names the field. */
export function resolveQuery(raw: unknown, catalog: Catalog, defaults: QueryDefaults): Result<ResolvedQuery> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('', 'the body must be a JSON object');
  const req = raw as KpiQueryRequest;
  const from = parseTimeField(req.from ?? defaults.now - DAY, 'from');
  if (!from.ok) return from;
  const to = parseTimeField(req.to ?? defaults.now, 'to');
  if (!to.ok) return to;
  if (to.value < from.value) return fail('to', 'must not be before from');
  if (to.value - from.value > QUERY_LIMITS.maxRangeDays * DAY) return fail('from', `the range may span at most ${QUERY_LIMITS.maxRangeDays} days`);
  const timezone = req.timezone ?? defaults.timezone;
  if (typeof timezone !== 'string' || !isValidTimeZone(timezone)) return fail('timezone', `unknown IANA time zone ${JSON.stringify(timezone)}`);
  const format = oneOf(req.format, FORMATS, 'format', 'timeseries');
  if (!format.ok) return format;
  const compare = oneOf(req.compare, COMPARES, 'compare', 'none');
  if (!compare.ok) return compare;
  const interval = resolveInterval(req, from.value, to.value);
  if (!interval.ok) return interval;
  const filters = validateFilters(req.filters);
  if (!filters.ok) return filters;
  const resolved = resolveExpression(req);
  if (!resolved.ok) return resolved;
  const groupBy = [...(Array.isArray(req.group_by) ? req.group_by : req.group_by === undefined ? [] : [req.group_by]), ...resolved.value.by];
  if (groupBy.some((g) => typeof g !== 'string' || !DIMENSION_NAMES.has(g))) {
    const bad = groupBy.find((g) => typeof g !== 'string' || !DIMENSION_NAMES.has(g));
    return fail('group_by', `unknown dimension ${JSON.stringify(bad)}; known: ${[...DIMENSION_NAMES].join(', ')}`);
  }
  const uniqueGroupBy = [...new Set(groupBy)];
  if (uniqueGroupBy.length > QUERY_LIMITS.maxGroupBy) return fail('group_by', `at most ${QUERY_LIMITS.maxGroupBy} dimensions`);
  const limit = req.limit;
  if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000)) {
    return fail('limit', 'must be an integer from 1 to 10000');
  }
  const selectors: ResolvedQuery['selectors'] = [];
  const terms = new Map<string, AggregateTerm>();
  const all = selectorsOf(resolved.value.expr);
  const matcherFilters = all.map((sel) => sel.matchers.map(matcherFilter));
  // A matcher that every selector carries filters the whole query, like the filters field: groups
  // it excludes are left out instead of answering zero (`orders{channel="app"} by (channel)`).
  const hoisted = new Set((matcherFilters[0] ?? []).map(filterKey).filter((k) => matcherFilters.every((own) => own.some((g) => filterKey(g) === k))));
  const common = (matcherFilters[0] ?? []).filter((f) => hoisted.has(filterKey(f)));
  for (const [i, sel] of all.entries()) {
    const field = resolved.value.field;
    const metric = catalog.byName.get(sel.metric);
    if (!metric || metric.name.startsWith('__')) {
      return fail(field, `unknown metric ${JSON.stringify(sel.metric)}; see GET /v1/catalog`);
    }
    const matchers = matcherFilters[i]!;
    const own = matchers.filter((f) => !hoisted.has(filterKey(f)));
    for (const f of [...matchers, ...filters.value]) {
      if (!metric.dimensions.includes(f.dimension)) {
        return fail(matchers.includes(f) ? field : 'filters', `dimension "${f.dimension}" is not available for metric ${metric.name}; it accepts ${metric.dimensions.join(', ')}`);
      }
      const regexError = f.op === 'regex' || f.op === 'not_regex' ? checkRegex(f.values[0]!) : undefined;
      if (regexError) return fail(field, regexError);
    }
    for (const g of uniqueGroupBy) {
      if (!metric.dimensions.includes(g)) return fail('group_by', `dimension "${g}" is not available for metric ${metric.name}`);
    }
    selectors.push({ metric, filters: own });
    for (const agg of aggregatesOf(metric, catalog)) {
      const term = termFor(agg, own);
      terms.set(term.id, term);
    }
  }
  const single = selectors.length === 1 && resolved.value.expr.kind === 'selector' ? selectors[0]!.metric : null;
  return {
    ok: true,
    value: {
      expr: hoisted.size ? withoutMatchers(resolved.value.expr, hoisted) : resolved.value.expr,
      selectors,
      terms: [...terms.values()],
      from: from.value,
      to: to.value,
      interval: interval.value,
      timezone,
      filters: [...filters.value, ...common.filter((f) => !filters.value.some((g) => filterKey(g) === filterKey(f)))],
      groupBy: uniqueGroupBy,
      compare: compare.value,
      format: format.value,
      limit: limit ?? null,
      other: req.other === true,
      unit: single?.unit ?? 'short',
      higherIsBetter: single?.higher_is_better ?? null,
    },
  };
}

export function comparisonOffset(q: ResolvedQuery): number | null {
  return compareOffset(q.compare, q.from, q.to);
}
