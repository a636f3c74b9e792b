/**
 * Text-level helpers for KPI expressions that must agree with the tokenizer in
 * src/kpi/expression.ts: a quote starts a string, a backslash escapes the next character, and a
 * string ends at its closing quote or, unterminated, at a line break.
 */

export type Segment =
  | { kind: 'code'; text: string; offset: number }
  | { kind: 'string'; quote: '"' | "'"; body: string; source: string; terminated: boolean; offset: number };

export function scanStrings(text: string): Segment[] {
  const out: Segment[] = [];
  let codeStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c !== '"' && c !== "'") {
      i += 1;
      continue;
    }
    if (i > codeStart) out.push({ kind: 'code', text: text.slice(codeStart, i), offset: codeStart });
    const start = i;
    let j = i + 1;
    let terminated = false;
    while (j < text.length && text.charAt(j) !== '\n') {
      const d = text.charAt(j);
      if (d === c) {
        terminated = true;
        break;
      }
      if (d === '\\') {
        const next = text.charAt(j + 1);
        if (next === '' || next === '\n') break;
        j += 2;
        continue;
      }
      j += 1;
    }
    const end = terminated ? j + 1 : j;
    out.push({ kind: 'string', quote: c, body: text.slice(start + 1, j), source: text.slice(start, end), terminated, offset: start });
    i = end;
    codeStart = end;
  }
  if (codeStart < text.length) out.push({ kind: 'code', text: text.slice(codeStart), offset: codeStart });
  return out;
}

/** Escapes a value for either kind of quoted string of the expression language. */
export function escapeString(value: string): string {
  return value.replace(/[\\"'\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`));
}

/** The open string the cursor is in, if any: where its content starts. */
export function openStringAt(text: string, offset: number): { contentStart: number; quote: string } | undefined {
  const last = scanStrings(text.slice(0, offset)).pop();
  if (last?.kind === 'string' && !last.terminated) return { contentStart: last.offset + 1, quote: last.quote };
  return undefined;
}
