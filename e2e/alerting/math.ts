import { ExpressionError, labelKey, NO_DATA, type Labels, type NumberValue, type Results } from './sse';

/** Grafana's math expression (see sse.ts for the subset), parsed and evaluated over numbers. */

type Node = { kind: 'num'; value: number } | { kind: 'var'; name: string } | { kind: 'unary'; op: string; arg: Node } | { kind: 'binary'; op: string; left: Node; right: Node };

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)|(\*\*|&&|\|\||==|!=|<=|>=|[-+*/%<>()!]))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new ExpressionError(`math expression "${text}": cannot read "${text.slice(start).trim()}" (functions are not supported by the e2e evaluator)`);
    out.push(m[1] !== undefined ? `#${m[1]}` : m[2] !== undefined ? `$${m[2]}` : m[3] !== undefined ? `$${m[3]}` : m[4]!);
  }
  return out;
}

// Go's operator precedence, as Grafana's parser has it.
const LEVELS = [['||'], ['&&'], ['==', '!=', '<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%'], ['**']];

export function parseMath(text: string): Node {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const primary = (): Node => {
    const t = take();
    if (t === undefined) throw new ExpressionError(`math expression "${text}" ends too early`);
    if (t === '(') {
      const inner = binary(0);
      if (take() !== ')') throw new ExpressionError(`math expression "${text}": missing )`);
      return inner;
    }
    if (t === '-' || t === '!') return { kind: 'unary', op: t, arg: primary() };
    if (t.startsWith('#')) return { kind: 'num', value: Number(t.slice(1)) };
    if (t.startsWith('$')) return { kind: 'var', name: t.slice(1) };
    throw new ExpressionError(`math expression "${text}": unexpected ${t}`);
  };
  const binary = (level: number): Node => {
    if (level >= LEVELS.length) return primary();
    let left = binary(level + 1);
    while (peek() !== undefined && LEVELS[level]!.includes(peek()!)) {
      const op = take()!;
      // ** is right-associative.
      const right = op === '**' ? binary(level) : binary(level + 1);
      left = { kind: 'binary', op, left, right };
    }
    return left;
  };
  const node = binary(0);
  if (i < tokens.length) throw new ExpressionError(`math expression "${text}": unexpected ${tokens[i]}`);
  return node;
}

/** Go's mathexp binaryOp on two floats. */
function binaryOp(op: string, a: number, b: number): number {
  if (op === '||' && a !== 0) return 1;
  if (op === '&&' && a === 0) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '**': return a ** b;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '&&': return a !== 0 && b !== 0 ? 1 : 0;
    case '||': return a !== 0 || b !== 0 ? 1 : 0;
    default: throw new ExpressionError(`operator ${op} is not supported`);
  }
}

type Value = { kind: 'scalar'; value: number | null } | { kind: 'set'; results: Results };

function apply(op: string, a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : binaryOp(op, a, b);
}

function contains(outer: Labels, inner: Labels): boolean {
  return Object.entries(inner).every(([k, v]) => outer[k] === v);
}

function numbersOf(r: Results): NumberValue[] {
  return r.values.map((v) => {
    if (v.kind !== 'number') throw new ExpressionError('math on time series is not supported by the e2e evaluator: reduce first');
    return v;
  });
}

/** Grafana's union of two sets of numbers by their labels. */
function union(op: string, a: Results, b: Results): Results {
  if (a.noData || b.noData) return NO_DATA;
  const as = numbersOf(a);
  const bs = numbersOf(b);
  const out: NumberValue[] = [];
  for (const x of as) {
    for (const y of bs) {
      const xl = Object.keys(x.labels).length;
      const yl = Object.keys(y.labels).length;
      let labels: Labels | undefined;
      if (labelKey(x.labels) === labelKey(y.labels) || xl === 0 || yl === 0) labels = xl === 0 ? y.labels : x.labels;
      else if (xl === yl) continue;
      else if (contains(x.labels, y.labels)) labels = x.labels;
      else if (contains(y.labels, x.labels)) labels = y.labels;
      if (labels) out.push({ kind: 'number', labels, value: apply(op, x.value, y.value) });
    }
  }
  if (out.length === 0 && as.length === 1 && bs.length === 1) out.push({ kind: 'number', labels: {}, value: apply(op, as[0]!.value, bs[0]!.value) });
  return { noData: false, values: out };
}

function evalNode(node: Node, vars: Record<string, Results>): Value {
  switch (node.kind) {
    case 'num':
      return { kind: 'scalar', value: node.value };
    case 'var': {
      const r = vars[node.name];
      if (!r) throw new ExpressionError(`math refers to $${node.name}, which is not a query or expression of the rule`);
      return { kind: 'set', results: r };
    }
    case 'unary': {
      const v = evalNode(node.arg, vars);
      const f = (x: number | null) => (x === null ? null : node.op === '-' ? -x : Number.isNaN(x) ? NaN : x === 0 ? 1 : 0);
      if (v.kind === 'scalar') return { kind: 'scalar', value: f(v.value) };
      if (v.results.noData) return v;
      return { kind: 'set', results: { noData: false, values: numbersOf(v.results).map((n) => ({ ...n, value: f(n.value) })) } };
    }
    case 'binary': {
      const l = evalNode(node.left, vars);
      const r = evalNode(node.right, vars);
      if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', value: apply(node.op, l.value, r.value) };
      if (l.kind === 'set' && r.kind === 'set') return { kind: 'set', results: union(node.op, l.results, r.results) };
      const set = l.kind === 'set' ? l.results : (r as { results: Results }).results;
      if (set.noData) return { kind: 'set', results: NO_DATA };
      const scalar = l.kind === 'scalar' ? l.value : (r as { value: number | null }).value;
      const values = numbersOf(set).map((n) => ({ ...n, value: l.kind === 'set' ? apply(node.op, n.value, scalar) : apply(node.op, scalar, n.value) }));
      return { kind: 'set', results: { noData: false, values } };
    }
  }
}

export function evaluateMath(expression: string, vars: Record<string, Results>): Results {
  const v = evalNode(parseMath(expression), vars);
  return v.kind === 'set' ? v.results : { noData: false, values: [{ kind: 'number', labels: {}, value: v.value }] };
}
