import { labels } from '../labels';

/**
 * Template variable queries, written in the variable editor as text:
 * `metrics()`, `metrics(area)`, `dimensions()`, `dimensions(metric)`,
 * `dimension_values(dimension)`, `dimension_values(dimension, "text")`.
 */
export type VariableQuery =
  | { kind: 'metrics'; area?: string }
  | { kind: 'dimensions'; metric?: string }
  | { kind: 'dimension_values'; dimension: string; search?: string };

export type VariableQueryResult = { ok: true; query: VariableQuery } | { ok: false; message: string };

type Arg = { kind: 'name' | 'string'; value: string };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

function readArgs(text: string, start: number): { ok: true; args: Arg[] } | { ok: false; message: string } {
  const args: Arg[] = [];
  let i = start;
  const skip = () => {
    while (/\s/.test(text.charAt(i))) i += 1;
  };
  const fail = (message: string) => ({ ok: false as const, message: labels.variableQuery.syntax(i + 1, message) });
  skip();
  if (text.charAt(i) === ')') return rest(i + 1);
  for (;;) {
    skip();
    const c = text.charAt(i);
    if (c === '"' || c === "'") {
      let value = '';
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== c) {
        if (text.charAt(j) === '\\' && j + 1 < text.length) j += 1;
        value += text.charAt(j);
        j += 1;
      }
      if (j >= text.length) return fail(`unterminated string: add the closing ${c}`);
      args.push({ kind: 'string', value });
      i = j + 1;
    } else {
      NAME.lastIndex = i;
      const name = NAME.exec(text)?.[0];
      if (!name) return fail('expected a name or a quoted string');
      args.push({ kind: 'name', value: name });
      i += name.length;
    }
    skip();
    if (text.charAt(i) === ',') {
      i += 1;
      continue;
    }
    if (text.charAt(i) === ')') return rest(i + 1);
    return fail('expected "," or ")"');
  }
  function rest(end: number) {
    i = end;
    skip();
    return i === text.length ? { ok: true as const, args } : fail('unexpected text after ")"');
  }
}

export function parseVariableQuery(raw: string): VariableQueryResult {
  const text = raw.trim();
  if (text === '') return { ok: false, message: labels.variableQuery.empty };
  const head = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(text);
  if (!head) return { ok: false, message: labels.variableQuery.empty };
  const name = head[1]!;
  const parsed = readArgs(text, head[0].length);
  if (!parsed.ok) return parsed;
  const args = parsed.args.map((a) => a.value);
  const arity = (usage: string): VariableQueryResult => ({ ok: false, message: labels.variableQuery.arity(name, usage) });
  switch (name) {
    case 'metrics':
      if (args.length > 1) return arity('an optional area: metrics() or metrics(orders)');
      // "web performance" has a space: metrics(web_performance) is accepted too.
      return { ok: true, query: { kind: 'metrics', ...(args[0] ? { area: args[0].replace(/_/g, ' ') } : {}) } };
    case 'dimensions':
      if (args.length > 1) return arity('an optional metric: dimensions() or dimensions(payments)');
      return { ok: true, query: { kind: 'dimensions', ...(args[0] ? { metric: args[0] } : {}) } };
    case 'dimension_values':
      if (args.length < 1 || args.length > 2 || parsed.args[0]!.kind !== 'name') {
        return arity('a dimension and an optional search text: dimension_values(channel) or dimension_values(query, "shoe")');
      }
      return { ok: true, query: { kind: 'dimension_values', dimension: args[0]!, ...(args[1] ? { search: args[1] } : {}) } };
    default:
      return { ok: false, message: labels.variableQuery.unknownFunction(name) };
  }
}
