import { completionContextAt, type CompletionContext } from '../../kpi/expression';
import type { CatalogResponse } from '../types';
import { escapeString, openStringAt } from './expressionText';

/** One clickable suggestion: `insert` replaces the text between `from` and `to`. */
export interface Suggestion {
  label: string;
  detail?: string;
  insert: string;
  from: number;
  to: number;
}

export interface CompletionSources {
  catalog?: CatalogResponse;
  /** Dashboard variable names without "$". */
  variables: string[];
  /** Known values of the dimension being matched, when the context asks for a value. */
  values: string[];
}

const MATCH_OPS = ['=', '!=', '=~', '!~'];
const ARITHMETIC = ['+', '-', '*', '/'];
const MAX_SUGGESTIONS = 50;

const startsWith = (candidate: string, prefix: string) => candidate.toLowerCase().startsWith(prefix.toLowerCase());

function dimensionsFor(ctx: CompletionContext, catalog?: CatalogResponse): Array<{ name: string; title?: string }> {
  const all = catalog?.dimensions ?? [];
  const metric = ctx.metric ? catalog?.metrics.find((m) => m.name === ctx.metric) : undefined;
  return metric ? all.filter((d) => metric.dimensions.includes(d.name)) : all;
}

/** The completion context at `cursor` and what may be inserted there. */
export function suggestionsAt(text: string, cursor: number, sources: CompletionSources): { context: CompletionContext; suggestions: Suggestion[] } {
  const context = completionContextAt(text, cursor);
  const { prefix } = context;
  const at = (insert: string, label = insert, detail?: string, from = cursor - prefix.length): Suggestion => ({ label, detail, insert, from, to: cursor });
  let suggestions: Suggestion[] = [];
  switch (context.kind) {
    case 'metric':
      suggestions = (sources.catalog?.metrics ?? []).filter((m) => startsWith(m.name, prefix)).map((m) => at(m.name, m.name, `${m.title} (${m.unit})`));
      break;
    case 'dimension':
    case 'by_dimension':
      suggestions = dimensionsFor(context, sources.catalog).filter((d) => startsWith(d.name, prefix)).map((d) => at(d.name, d.name, d.title));
      break;
    case 'operator':
      if (context.dimension) {
        suggestions = MATCH_OPS.filter((op) => op.startsWith(prefix)).map((op) => at(op));
      } else {
        const space = /\S$/.test(text.slice(0, cursor - prefix.length)) ? ' ' : '';
        const ops = prefix === '' ? [...ARITHMETIC, 'by'] : ['by'];
        suggestions = ops.map((op) => at(op === 'by' ? `${space}by (` : `${space}${op} `, op));
      }
      break;
    case 'value': {
      const open = openStringAt(text, cursor);
      const candidates = [...sources.values, ...sources.variables.map((v) => `$${v}`)];
      suggestions = candidates
        .filter((v) => startsWith(v, prefix))
        .map((v) => (open ? at(`${escapeString(v)}${open.quote}`, v, undefined, open.contentStart) : at(`"${escapeString(v)}"`, v)));
      break;
    }
    default:
      break;
  }
  return { context, suggestions: suggestions.slice(0, MAX_SUGGESTIONS) };
}

export function applySuggestion(text: string, s: Suggestion): { text: string; cursor: number } {
  return { text: text.slice(0, s.from) + s.insert + text.slice(s.to), cursor: s.from + s.insert.length };
}
