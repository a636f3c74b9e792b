import { parseExpression, selectorsOf } from '../../kpi/expression';
import { labels } from '../labels';
import type { CatalogResponse, ExpressionProblem } from '../types';
import { scanStrings } from './expressionText';
import { VARIABLE_REF } from './interpolation';

/** A name made only of underscores stands for a variable that was masked below. */
const MASKED = /^_+$/;

/** Replaces each variable outside strings (`$metric`, `by ($dims)`) with a name of the same length, so positions stay right. */
export function maskVariables(text: string): string {
  return scanStrings(text)
    .map((seg) => (seg.kind === 'code' ? seg.text.replace(VARIABLE_REF, (ref) => '_'.repeat(ref.length)) : seg.source))
    .join('');
}

/**
 * Checks an expression as the editor shows it: syntax through the shared parser, then names
 * against the catalog when it is loaded. A `$name` inside a string is a valid string; outside
 * strings it is masked; the service checks the final text again.
 */
export function checkExpression(text: string, catalog?: CatalogResponse): ExpressionProblem | undefined {
  const parsed = parseExpression(maskVariables(text));
  if (!parsed.ok) return { message: parsed.error.message, line: parsed.error.line, column: parsed.error.column };
  if (!catalog) return undefined;
  const byName = new Map(catalog.metrics.map((m) => [m.name, m]));
  for (const sel of selectorsOf(parsed.query.expr)) {
    if (MASKED.test(sel.metric)) continue;
    const metric = byName.get(sel.metric);
    if (!metric) return { message: labels.catalogCheck.unknownMetric(sel.metric), line: sel.pos.line, column: sel.pos.column };
    for (const m of sel.matchers) {
      if (!MASKED.test(m.dimension) && !metric.dimensions.includes(m.dimension)) {
        return { message: labels.catalogCheck.dimensionNotAvailable(m.dimension, metric.name, metric.dimensions), line: m.pos.line, column: m.pos.column };
      }
    }
    const missing = parsed.query.by.find((d) => !MASKED.test(d) && !metric.dimensions.includes(d));
    if (missing !== undefined) {
      return { message: labels.catalogCheck.dimensionNotAvailable(missing, metric.name, metric.dimensions), line: sel.pos.line, column: sel.pos.column };
    }
  }
  return undefined;
}
