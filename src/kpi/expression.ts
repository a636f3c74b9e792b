/**
 * The KPI expression language of DESIGN.md "KPI expression language". One parser serves the
 * editor (validation, completion) and the service, so an expression means the same everywhere.
 * Names are not checked against the metric catalog here; that is the catalog's job.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';
/** `line` and `column` are 1-based; columns count UTF-16 code units, as the editor does. */
export interface Position { offset: number; line: number; column: number }
export interface Matcher { dimension: string; op: MatchOp; value: string; pos: Position }
/** A binary node's `pos` is its operator, so a message about it points at the operator. */
export type Expr =
  | { kind: 'number'; value: number; pos: Position }
  | { kind: 'selector'; metric: string; matchers: Matcher[]; pos: Position }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr; pos: Position }
  | { kind: 'neg'; operand: Expr; pos: Position };
export interface ParsedQuery { expr: Expr; by: string[] }
export interface ParseError { message: string; line: number; column: number; offset: number; length: number }
export type ParseResult = { ok: true; query: ParsedQuery } | { ok: false; error: ParseError };
/**
 * `operator` with a `dimension` asks for a match operator (=, !=, =~, !~); without one it asks
 * for an arithmetic operator or `by`.
 */
export interface CompletionContext {
  kind: 'metric' | 'dimension' | 'operator' | 'value' | 'by_dimension' | 'none';
  metric?: string;
  dimension?: string;
  prefix: string;
}

// Bounds keep a hostile or pasted query from costing the service or the browser much.
const MAX_LENGTH = 4096;
const MAX_DEPTH = 64;
const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];
const ARITHMETIC = new Set(['+', '-', '*', '/']);
const PUNCT = new Set(['(', ')', '{', '}', ',', '+', '-', '*', '/']);
// A run of these is read as one token so that "==" or "<=" is reported as an unknown operator.
const OP_CHARS = new Set(['=', '!', '~', '<', '>']);
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t' };
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NUMBER_TAIL = /[A-Za-z0-9_.]*/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

interface Problem { message: string; offset: number; length: number }

interface Token {
  kind: 'ident' | 'number' | 'string' | 'punct' | 'op' | 'unknown' | 'eof';
  /** Source text of the token. */
  text: string;
  /** Decoded content for strings; the source text otherwise. */
  value: string;
  offset: number;
  end: number;
  /** False only for a string that lacks its closing quote. */
  terminated: boolean;
  problem?: Problem;
}

function makeToken(kind: Token['kind'], text: string, offset: number, end: number): Token {
  const source = text.slice(offset, end);
  return { kind, text: source, value: source, offset, end, terminated: true };
}

function matchAt(re: RegExp, text: string, offset: number): string {
  re.lastIndex = offset;
  return re.exec(text)?.[0] ?? '';
}

function readNumber(text: string, offset: number): Token {
  const digits = matchAt(NUMBER, text, offset);
  const tail = matchAt(NUMBER_TAIL, text, offset + digits.length);
  const token = makeToken('number', text, offset, offset + digits.length + tail.length);
  if (tail !== '') {
    token.problem = { message: `invalid number "${token.text}"`, offset, length: token.text.length };
  } else if (!Number.isFinite(Number(digits))) {
    token.problem = { message: `number "${digits}" is too large`, offset, length: digits.length };
  }
  return token;
}

function readString(text: string, offset: number): Token {
  const quote = text.charAt(offset);
  let value = '';
  let problem: Problem | undefined;
  let i = offset + 1;
  while (i < text.length && text.charAt(i) !== '\n') {
    const c = text.charAt(i);
    if (c === quote) {
      return { ...makeToken('string', text, offset, i + 1), value, problem };
    }
    if (c !== '\\') {
      value += c;
      i += 1;
      continue;
    }
    const next = text.charAt(i + 1);
    if (next === '' || next === '\n') break;
    const decoded = ESCAPES[next];
    if (decoded === undefined) {
      problem ??= { message: `unknown escape "\\${next}" in string; write "\\\\" for a backslash`, offset: i, length: 2 };
    }
    value += decoded ?? `\\${next}`;
    i += 2;
  }
  const unterminated = { message: `unterminated string: add the closing ${quote}`, offset, length: i - offset };
  return { ...makeToken('string', text, offset, i), value, terminated: false, problem: unterminated };
}

function readToken(text: string, offset: number): Token {
  const c = text.charAt(offset);
  const ident = matchAt(IDENT, text, offset);
  if (ident !== '') return makeToken('ident', text, offset, offset + ident.length);
  if (matchAt(NUMBER, text, offset) !== '') return readNumber(text, offset);
  if (c === '"' || c === "'") return readString(text, offset);
  if (PUNCT.has(c)) return makeToken('punct', text, offset, offset + 1);
  if (OP_CHARS.has(c)) {
    let end = offset;
    while (OP_CHARS.has(text.charAt(end))) end += 1;
    return makeToken('op', text, offset, end);
  }
  const width = (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  return makeToken('unknown', text, offset, offset + width);
}

/** Always ends with an `eof` token; lexical problems travel on the tokens. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
    if (i >= text.length) {
      tokens.push(makeToken('eof', text, i, i));
      return tokens;
    }
    const token = readToken(text, i);
    tokens.push(token);
    i = token.end;
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionIn(lineStarts: number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { offset, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
}

class SyntaxFailure {
  constructor(readonly problem: Problem) {}
}

interface Parser {
  tokens: Token[];
  index: number;
  depth: number;
  lineStarts: number[];
}

function current(p: Parser): Token {
  const token = p.tokens[p.index] ?? p.tokens[p.tokens.length - 1]!;
  if (token.problem) throw new SyntaxFailure(token.problem);
  return token;
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  const shown = t.text.length > 24 ? `${t.text.slice(0, 24)}…` : t.text;
  return t.kind === 'string' ? `the string ${shown}` : `"${shown}"`;
}

function failAt(t: Token, message: string): never {
  throw new SyntaxFailure({ message, offset: t.offset, length: t.end - t.offset });
}

function expected(t: Token, what: string): never {
  return failAt(t, `expected ${what} but found ${describe(t)}`);
}

function isPunct(t: Token, c: string): boolean {
  return t.kind === 'punct' && t.text === c;
}

function isBy(t: Token): boolean {
  return t.kind === 'ident' && t.text === 'by';
}

function matchOpOf(t: Token): MatchOp | undefined {
  return t.kind === 'op' ? MATCH_OPS.find((op) => op === t.text) : undefined;
}

function expectPunct(p: Parser, c: string, what: string): void {
  const t = current(p);
  if (!isPunct(t, c)) expected(t, what);
  p.index += 1;
}

function enterNesting(p: Parser, t: Token): void {
  p.depth += 1;
  if (p.depth > MAX_DEPTH) {
    failAt(t, `expression is nested too deeply (more than ${MAX_DEPTH} levels of parentheses or minus signs)`);
  }
}

function parseMatcher(p: Parser, what: string): Matcher {
  const dim = current(p);
  if (dim.kind !== 'ident') expected(dim, what);
  p.index += 1;
  const opToken = current(p);
  const op = matchOpOf(opToken);
  if (op === undefined) {
    if (opToken.kind === 'op') failAt(opToken, `unknown operator "${opToken.text}"; use =, !=, =~ or !~`);
    expected(opToken, `=, !=, =~ or !~ after "${dim.text}"`);
  }
  p.index += 1;
  const value = current(p);
  if (value.kind !== 'string') expected(value, `a quoted string after "${op}"`);
  p.index += 1;
  return { dimension: dim.text, op, value: value.value, pos: positionIn(p.lineStarts, dim.offset) };
}

function parseSelector(p: Parser): Expr {
  const name = current(p);
  p.index += 1;
  const matchers: Matcher[] = [];
  if (isPunct(current(p), '{')) {
    p.index += 1;
    matchers.push(parseMatcher(p, 'a dimension name'));
    while (isPunct(current(p), ',')) {
      p.index += 1;
      if (isPunct(current(p), '}')) break;
      matchers.push(parseMatcher(p, 'a dimension name or "}"'));
    }
    expectPunct(p, '}', '"," or "}"');
  }
  return { kind: 'selector', metric: name.text, matchers, pos: positionIn(p.lineStarts, name.offset) };
}

function parseFactor(p: Parser): Expr {
  const t = current(p);
  const pos = positionIn(p.lineStarts, t.offset);
  if (t.kind === 'number') {
    p.index += 1;
    return { kind: 'number', value: Number(t.text), pos };
  }
  if (t.kind === 'ident') return parseSelector(p);
  if (isPunct(t, '(')) {
    enterNesting(p, t);
    p.index += 1;
    const inner = parseSum(p);
    expectPunct(p, ')', '")"');
    p.depth -= 1;
    return inner;
  }
  if (isPunct(t, '-')) {
    enterNesting(p, t);
    p.index += 1;
    const operand = parseFactor(p);
    p.depth -= 1;
    return { kind: 'neg', operand, pos };
  }
  return expected(t, 'a metric name, a number or "("');
}

function parseProduct(p: Parser): Expr {
  let left = parseFactor(p);
  for (let t = current(p); isPunct(t, '*') || isPunct(t, '/'); t = current(p)) {
    p.index += 1;
    const right = parseFactor(p);
    left = { kind: 'binary', op: t.text === '*' ? '*' : '/', left, right, pos: positionIn(p.lineStarts, t.offset) };
  }
  return left;
}

function parseSum(p: Parser): Expr {
  let left = parseProduct(p);
  for (let t = current(p); isPunct(t, '+') || isPunct(t, '-'); t = current(p)) {
    p.index += 1;
    const right = parseProduct(p);
    left = { kind: 'binary', op: t.text === '+' ? '+' : '-', left, right, pos: positionIn(p.lineStarts, t.offset) };
  }
  return left;
}

function parseBy(p: Parser): string[] {
  p.index += 1;
  expectPunct(p, '(', '"(" after "by"');
  const dims: string[] = [];
  for (;;) {
    const t = current(p);
    if (t.kind !== 'ident') expected(t, 'a dimension name');
    if (dims.includes(t.text)) failAt(t, `dimension "${t.text}" appears twice in by (...)`);
    dims.push(t.text);
    p.index += 1;
    if (!isPunct(current(p), ',')) break;
    p.index += 1;
  }
  expectPunct(p, ')', '"," or ")"');
  return dims;
}

function parseQuery(p: Parser): ParsedQuery {
  const expr = parseSum(p);
  const by = isBy(current(p)) ? parseBy(p) : [];
  const rest = current(p);
  if (rest.kind === 'eof') return { expr, by };
  if (isPunct(rest, ')')) failAt(rest, 'found ")" without a matching "("');
  return expected(rest, by.length > 0 ? 'end of input' : 'an operator, "by" or end of input');
}

export function parseExpression(text: string): ParseResult {
  const lineStarts = lineStartsOf(text);
  const fail = (problem: Problem): ParseResult => ({
    ok: false,
    error: { ...problem, ...positionIn(lineStarts, problem.offset) },
  });
  if (text.length > MAX_LENGTH) {
    const message = `expression is too long (${text.length} characters; the limit is ${MAX_LENGTH})`;
    return fail({ message, offset: MAX_LENGTH, length: text.length - MAX_LENGTH });
  }
  try {
    return { ok: true, query: parseQuery({ tokens: tokenize(text), index: 0, depth: 0, lineStarts }) };
  } catch (e) {
    if (e instanceof SyntaxFailure) return fail(e.problem);
    throw e;
  }
}

export function selectorsOf(expr: Expr): Array<Extract<Expr, { kind: 'selector' }>> {
  switch (expr.kind) {
    case 'selector':
      return [expr];
    case 'number':
      return [];
    case 'neg':
      return selectorsOf(expr.operand);
    case 'binary':
      return [...selectorsOf(expr.left), ...selectorsOf(expr.right)];
  }
}

function precedence(e: Expr): number {
  if (e.kind === 'binary') return e.op === '+' || e.op === '-' ? 1 : 2;
  return e.kind === 'neg' ? 3 : 4;
}

function quote(value: string): string {
  const escaped = value.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`));
  return `"${escaped}"`;
}

function formatNode(e: Expr): string {
  const wrap = (child: Expr, needed: boolean): string => (needed ? `(${formatNode(child)})` : formatNode(child));
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'selector': {
      const matchers = e.matchers.map((m) => `${m.dimension}${m.op}${quote(m.value)}`);
      return matchers.length > 0 ? `${e.metric}{${matchers.join(', ')}}` : e.metric;
    }
    case 'neg':
      return `-${wrap(e.operand, precedence(e.operand) < 3)}`;
    case 'binary': {
      // Operators associate to the left, so an equal-precedence right operand needs parentheses.
      const own = precedence(e);
      return `${wrap(e.left, precedence(e.left) < own)} ${e.op} ${wrap(e.right, precedence(e.right) <= own)}`;
    }
  }
}

export function formatExpression(q: ParsedQuery): string {
  const expr = formatNode(q.expr);
  return q.by.length > 0 ? `${expr} by (${q.by.join(', ')})` : expr;
}

type Expecting =
  | 'operand' | 'operator' | 'dimension' | 'matchOp' | 'value' | 'matcherEnd'
  | 'byOpen' | 'byDimension' | 'byEnd' | 'end' | 'invalid';

/** Where a tolerant left-to-right reading of the text before the cursor stands. */
interface Walk { expecting: Expecting; depth: number; afterMetric: boolean; metric?: string; dimension?: string }

function step(w: Walk, t: Token): Walk {
  const to = (expecting: Expecting, change: Partial<Walk> = {}): Walk => ({ ...w, expecting, afterMetric: false, ...change });
  switch (w.expecting) {
    case 'operand':
      if (t.kind === 'ident') return to('operator', { metric: t.text, afterMetric: true });
      if (t.kind === 'number') return to('operator');
      if (isPunct(t, '(')) return to('operand', { depth: w.depth + 1 });
      return isPunct(t, '-') ? w : to('invalid');
    case 'operator':
      if (w.afterMetric && isPunct(t, '{')) return to('dimension');
      if (t.kind === 'punct' && ARITHMETIC.has(t.text)) return to('operand');
      if (isPunct(t, ')') && w.depth > 0) return to('operator', { depth: w.depth - 1 });
      return isBy(t) && w.depth === 0 ? to('byOpen') : to('invalid');
    case 'dimension':
      if (t.kind === 'ident') return to('matchOp', { dimension: t.text });
      return isPunct(t, '}') ? to('operator') : to('invalid');
    case 'matchOp':
      return matchOpOf(t) ? to('value') : to('invalid');
    case 'value':
      return t.kind === 'string' ? to('matcherEnd') : to('invalid');
    case 'matcherEnd':
      if (isPunct(t, ',')) return to('dimension');
      return isPunct(t, '}') ? to('operator') : to('invalid');
    case 'byOpen':
      return isPunct(t, '(') ? to('byDimension') : to('invalid');
    case 'byDimension':
      return t.kind === 'ident' ? to('byEnd') : to('invalid');
    case 'byEnd':
      if (isPunct(t, ',')) return to('byDimension');
      return isPunct(t, ')') ? to('end') : to('invalid');
    default:
      return to('invalid');
  }
}

function walk(tokens: Token[]): Walk {
  return tokens.reduce(step, { expecting: 'operand', depth: 0, afterMetric: false });
}

const NONE: CompletionContext = { kind: 'none', prefix: '' };

/** `prefix` is the identifier being typed at the cursor, or "" between tokens. */
function contextFor(w: Walk, prefix: string): CompletionContext {
  const { metric, dimension } = w;
  switch (w.expecting) {
    case 'operand':
      return { kind: 'metric', prefix };
    case 'operator':
      if (prefix !== '' && !(w.depth === 0 && 'by'.startsWith(prefix))) return NONE;
      return { kind: 'operator', prefix };
    case 'dimension':
      return { kind: 'dimension', metric, prefix };
    case 'matchOp':
      return prefix === '' ? { kind: 'operator', metric, dimension, prefix } : NONE;
    case 'value':
      return prefix === '' ? { kind: 'value', metric, dimension, prefix } : NONE;
    case 'byDimension':
      return { kind: 'by_dimension', prefix };
    default:
      return NONE;
  }
}

export function completionContextAt(text: string, offset: number): CompletionContext {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const tokens = tokenize(before).slice(0, -1);
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.end !== before.length) return contextFor(walk(tokens), '');
  const earlier = walk(tokens.slice(0, -1));
  if (last.kind === 'string' && !last.terminated) {
    if (earlier.expecting !== 'value') return NONE;
    return { kind: 'value', metric: earlier.metric, dimension: earlier.dimension, prefix: last.value };
  }
  if (last.kind === 'ident') return contextFor(earlier, last.text);
  if (last.kind === 'number') return NONE;
  if (last.kind === 'op' && matchOpOf(last) === undefined) {
    return earlier.expecting === 'matchOp'
      ? { kind: 'operator', metric: earlier.metric, dimension: earlier.dimension, prefix: last.text }
      : NONE;
  }
  return contextFor(walk(tokens), '');
}
