import { parseExpression, selectorsOf, type Position } from '../kpi/expression';
import type { CatalogAnswer } from './kpiTypes';

/**
 * The `validate` resource: syntax with the parser the service uses, then names against the
 * service's catalog (metrics, the dimensions each accepts), each problem with the line and column
 * the editor marks. Without a catalog (service unreachable) only the syntax is checked: the query
 * itself will report the rest.
 */

export interface ValidateAnswer {
  ok: boolean;
  error?: { message: string; line: number; column: number };
}

function positionOf(text: string, offset: number): Pick<Position, 'line' | 'column'> {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

const problem = (message: string, at: Pick<Position, 'line' | 'column'>): ValidateAnswer => ({ ok: false, error: { message, line: at.line, column: at.column } });

export function validateExpression(text: string, catalog: CatalogAnswer | null): ValidateAnswer {
  const parsed = parseExpression(text);
  if (!parsed.ok) return problem(parsed.error.message, parsed.error);
  if (!catalog) return { ok: true };
  const metrics = new Map(catalog.metrics.map((m) => [m.name, m]));
  const known = new Set(catalog.dimensions.map((d) => d.name));
  const selectors = selectorsOf(parsed.query.expr);
  for (const sel of selectors) {
    const metric = metrics.get(sel.metric);
    if (!metric) return problem(`unknown metric "${sel.metric}"`, sel.pos);
    for (const m of sel.matchers) {
      if (!known.has(m.dimension)) return problem(`unknown dimension "${m.dimension}"`, m.pos);
      if (!metric.dimensions.includes(m.dimension)) return problem(`dimension "${m.dimension}" is not available for metric ${metric.name}; it accepts ${metric.dimensions.join(', ')}`, m.pos);
    }
  }
  for (const dim of parsed.query.by) {
    // `by` names carry no position: point at their last occurrence, which is inside by (...).
    const at = positionOf(text, text.lastIndexOf(dim));
    if (!known.has(dim)) return problem(`unknown dimension "${dim}"`, at);
    const refusing = selectors.map((s) => metrics.get(s.metric)!).find((m) => !m.dimensions.includes(dim));
    if (refusing) return problem(`dimension "${dim}" is not available for metric ${refusing.name}`, at);
  }
  return { ok: true };
}
