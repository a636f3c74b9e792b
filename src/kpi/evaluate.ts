import type { Catalog, MetricDefinition } from './catalog';
import type { Expr, MatchOp } from './expression';
import { termFor, type Filter, type FilterOp } from './query';

/**
 * Turns a KPI expression into a function of the base aggregate values of one bucket (or of the
 * whole range). Compiled once per query, then called for every point: term ids are resolved
 * here, not per point.
 */

export type Values = ReadonlyArray<number | null>;
export type Evaluator = (values: Values | null | undefined) => number | null;

const MATCH_OPS: Record<MatchOp, FilterOp> = { '=': 'eq', '!=': 'neq', '=~': 'regex', '!~': 'not_regex' };

export function selectorFilters(expr: Extract<Expr, { kind: 'selector' }>): Filter[] {
  return expr.matchers.map((m) => ({ dimension: m.dimension, op: MATCH_OPS[m.op], values: [m.value] }));
}

/** A metric's value from its base aggregates: ratios of sums, never means of ratios. */
function compileMetric(metric: MetricDefinition, filters: Filter[], catalog: Catalog, termIndex: ReadonlyMap<string, number>): Evaluator {
  const f = metric.formula;
  switch (f.op) {
    case 'base': {
      const index = termIndex.get(termFor(f.aggregate, filters).id);
      if (index === undefined) throw new Error(`no term for ${metric.name}`);
      const empty = f.aggregate.op === 'quantile' ? null : 0;
      return (values) => values?.[index] ?? empty;
    }
    case 'ratio': {
      const num = compileMetric(catalog.byName.get(f.numerator)!, filters, catalog, termIndex);
      const den = compileMetric(catalog.byName.get(f.denominator)!, filters, catalog, termIndex);
      const scale = f.scale;
      return (values) => {
        const a = num(values);
        const b = den(values);
        return a === null || b === null || b === 0 ? null : (a / b) * scale;
      };
    }
    case 'difference': {
      const left = compileMetric(catalog.byName.get(f.left)!, filters, catalog, termIndex);
      const right = compileMetric(catalog.byName.get(f.right)!, filters, catalog, termIndex);
      return (values) => {
        const a = left(values);
        const b = right(values);
        return a === null || b === null ? null : a - b;
      };
    }
  }
}

/** Null propagates and division by zero gives null. */
export function compileExpr(expr: Expr, catalog: Catalog, termIndex: ReadonlyMap<string, number>): Evaluator {
  switch (expr.kind) {
    case 'number': {
      const v = expr.value;
      return () => v;
    }
    case 'neg': {
      const operand = compileExpr(expr.operand, catalog, termIndex);
      return (values) => {
        const v = operand(values);
        return v === null ? null : -v;
      };
    }
    case 'selector':
      return compileMetric(catalog.byName.get(expr.metric)!, selectorFilters(expr), catalog, termIndex);
    case 'binary': {
      const left = compileExpr(expr.left, catalog, termIndex);
      const right = compileExpr(expr.right, catalog, termIndex);
      const op = expr.op;
      return (values) => {
        const a = left(values);
        const b = right(values);
        if (a === null || b === null) return null;
        switch (op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return b === 0 ? null : a / b;
        }
      };
    }
  }
}
