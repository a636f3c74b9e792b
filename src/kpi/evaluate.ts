import type { Catalog, MetricDefinition } from './catalog';
import type { Expr, MatchOp } from './expression';
import { termFor, type Filter, type FilterOp } from './query';

/** Values of the base aggregates of one bucket (or of the whole range), by term id. */
export type TermValues = ReadonlyMap<string, number | null>;

const MATCH_OPS: Record<MatchOp, FilterOp> = { '=': 'eq', '!=': 'neq', '=~': 'regex', '!~': 'not_regex' };

/** A metric's value from its base aggregates: ratios of sums, never means of ratios. */
export function metricValue(metric: MetricDefinition, filters: Filter[], values: TermValues, catalog: Catalog): number | null {
  const f = metric.formula;
  switch (f.op) {
    case 'base': {
      const v = values.get(termFor(f.aggregate, filters).id);
      if (v === undefined || v === null) return f.aggregate.op === 'quantile' ? null : 0;
      return v;
    }
    case 'ratio': {
      const num = metricValue(catalog.byName.get(f.numerator)!, filters, values, catalog);
      const den = metricValue(catalog.byName.get(f.denominator)!, filters, values, catalog);
      return num === null || den === null || den === 0 ? null : (num / den) * f.scale;
    }
    case 'difference': {
      const a = metricValue(catalog.byName.get(f.left)!, filters, values, catalog);
      const b = metricValue(catalog.byName.get(f.right)!, filters, values, catalog);
      return a === null || b === null ? null : a - b;
    }
  }
}

/** Evaluates a KPI expression; null propagates and division by zero gives null. */
export function evaluateExpr(expr: Expr, values: TermValues, catalog: Catalog): number | null {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'neg': {
      const v = evaluateExpr(expr.operand, values, catalog);
      return v === null ? null : -v;
    }
    case 'selector': {
      const filters = expr.matchers.map((m) => ({ dimension: m.dimension, op: MATCH_OPS[m.op], values: [m.value] }));
      return metricValue(catalog.byName.get(expr.metric)!, filters, values, catalog);
    }
    case 'binary': {
      const a = evaluateExpr(expr.left, values, catalog);
      const b = evaluateExpr(expr.right, values, catalog);
      if (a === null || b === null) return null;
      switch (expr.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? null : a / b;
      }
    }
  }
}
