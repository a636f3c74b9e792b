import type { ShopmonQuery } from '../../kpi/datasourceQuery';
import { formatExpression, parseExpression, type Expr, type MatchOp, type Matcher } from '../../kpi/expression';
import type { Filter, FilterOp } from '../../kpi/query';
import { labels } from '../labels';
import { alternation, hasVariables } from './interpolation';

/**
 * Switching between the builder and code mode. The builder's model (metric, filters, group by)
 * is one selector with matchers and a `by`, so both directions are exact where they apply; other
 * cases leave the query where it is and say why.
 */

export type Conversion = { ok: true; query: ShopmonQuery } | { ok: false; message: string };

const NO_POS = { offset: 0, line: 1, column: 1 };

const REGEX_META = new Set([...'.*+?^${}()|[]\\']);

function matcherFor(f: Filter): Matcher | undefined {
  const [first] = f.values;
  if (first === undefined) return undefined;
  const single = f.values.length === 1;
  const pos = NO_POS;
  switch (f.op) {
    case 'eq':
      return single ? { dimension: f.dimension, op: '=', value: first, pos } : { dimension: f.dimension, op: '=~', value: f.values.map((v) => alternation([v])).join('|'), pos };
    case 'neq':
      return single ? { dimension: f.dimension, op: '!=', value: first, pos } : { dimension: f.dimension, op: '!~', value: f.values.map((v) => alternation([v])).join('|'), pos };
    case 'regex':
      return { dimension: f.dimension, op: '=~', value: f.values.join('|'), pos };
    case 'not_regex':
      return { dimension: f.dimension, op: '!~', value: f.values.join('|'), pos };
    default:
      return undefined;
  }
}

/** The expression the builder's metric, filters and group by stand for. */
export function builderExpression(q: ShopmonQuery): { ok: true; expr: string } | { ok: false; message: string } {
  if (!q.metric) return { ok: false, message: labels.conversion.noMetric };
  const matchers: Matcher[] = [];
  for (const f of q.filters ?? []) {
    if (f.values.length === 0) continue;
    const m = matcherFor(f);
    if (m && f.values.length > 1 && (f.op === 'eq' || f.op === 'neq') && f.values.some(hasVariables)) {
      return { ok: false, message: labels.conversion.variableInList(f.dimension) };
    }
    if (!m) return { ok: false, message: labels.conversion.notConvertibleFilter(f.dimension, labels.filterOps[f.op]) };
    matchers.push(m);
  }
  const expr: Expr = { kind: 'selector', metric: q.metric, matchers, pos: NO_POS };
  return { ok: true, expr: formatExpression({ expr, by: q.groupBy ?? [] }) };
}

export function builderToCode(q: ShopmonQuery): Conversion {
  const result = builderExpression(q);
  if (!result.ok) return result;
  const { metric: _metric, ...rest } = q;
  return { ok: true, query: { ...rest, editorMode: 'code', expr: result.expr, filters: [], groupBy: [] } };
}

/** "a|b\\.c" as ["a", "b.c"] when the pattern is only escaped literals joined by "|". */
function literalAlternatives(pattern: string): string[] | undefined {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      const next = pattern.charAt(i + 1);
      if (!REGEX_META.has(next)) return undefined;
      current += next;
      i += 1;
    } else if (c === '|') {
      values.push(current);
      current = '';
    } else if (REGEX_META.has(c)) {
      return undefined;
    } else {
      current += c;
    }
  }
  values.push(current);
  return values.length >= 2 && values.every((v) => v !== '') ? values : undefined;
}

const MATCH_FILTER: Record<MatchOp, FilterOp> = { '=': 'eq', '!=': 'neq', '=~': 'regex', '!~': 'not_regex' };

function filterFor(m: Matcher): Filter {
  const op = MATCH_FILTER[m.op];
  const literals = op === 'regex' || op === 'not_regex' ? literalAlternatives(m.value) : undefined;
  if (literals) return { dimension: m.dimension, op: op === 'regex' ? 'eq' : 'neq', values: literals };
  return { dimension: m.dimension, op, values: [m.value] };
}

export function codeToBuilder(q: ShopmonQuery): Conversion {
  const text = q.expr?.trim() ?? '';
  if (text === '') {
    const { expr: _expr, ...rest } = q;
    return { ok: true, query: { ...rest, editorMode: 'builder' } };
  }
  const parsed = parseExpression(text);
  if (!parsed.ok) return { ok: false, message: labels.conversion.parseError(`line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}`) };
  const { expr, by } = parsed.query;
  if (expr.kind !== 'selector') return { ok: false, message: labels.conversion.notSelector };
  const { expr: _expr, ...rest } = q;
  const groupBy = [...new Set([...(q.groupBy ?? []), ...by])];
  const filters = [...(q.filters ?? []), ...expr.matchers.map(filterFor)];
  return { ok: true, query: { ...rest, editorMode: 'builder', metric: expr.metric, filters, groupBy } };
}
