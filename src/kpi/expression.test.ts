import {
  completionContextAt,
  formatExpression,
  parseExpression,
  selectorsOf,
  type Expr,
  type ParsedQuery,
  type ParseError,
} from './expression';

function parse(text: string): ParsedQuery {
  const result = parseExpression(text);
  if (!result.ok) throw new Error(`unexpected parse error for ${JSON.stringify(text.slice(0, 80))}: ${result.error.message}`);
  return result.query;
}

function parseError(text: string): ParseError {
  const result = parseExpression(text);
  if (result.ok) throw new Error(`expected a parse error for ${JSON.stringify(text.slice(0, 80))}`);
  return result.error;
}

/** A compact prefix notation of the tree, so structure is asserted without positions. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'selector': {
      const matchers = e.matchers.map((m) => `${m.dimension}${m.op}${JSON.stringify(m.value)}`);
      return matchers.length > 0 ? `${e.metric}{${matchers.join(',')}}` : e.metric;
    }
    case 'neg':
      return `(neg ${show(e.operand)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
  }
}

function tree(text: string): string {
  return show(parse(text).expr);
}

function withoutPositions(q: ParsedQuery): unknown {
  return JSON.parse(JSON.stringify(q, (key, value: unknown) => (key === 'pos' ? undefined : value)));
}

function onlySelector(text: string): Extract<Expr, { kind: 'selector' }> {
  const expr = parse(text).expr;
  if (expr.kind !== 'selector') throw new Error(`not a selector: ${text}`);
  return expr;
}

describe('parseExpression: arithmetic', () => {
  it('reads numbers in all their forms', () => {
    expect(tree('12')).toBe('12');
    expect(tree('1.5')).toBe('1.5');
    expect(tree('.5')).toBe('0.5');
    expect(tree('1e3')).toBe('1000');
    expect(tree('2.5E-2')).toBe('0.025');
    expect(tree('1e+2')).toBe('100');
  });

  it('gives * and / precedence over + and -', () => {
    expect(tree('a + b * c')).toBe('(+ a (* b c))');
    expect(tree('a * b + c')).toBe('(+ (* a b) c)');
    expect(tree('a - b / c * d')).toBe('(- a (* (/ b c) d))');
  });

  it('associates operators of equal precedence to the left', () => {
    expect(tree('a - b - c')).toBe('(- (- a b) c)');
    expect(tree('a / b / c')).toBe('(/ (/ a b) c)');
    expect(tree('a - b + c')).toBe('(+ (- a b) c)');
  });

  it('lets parentheses override precedence', () => {
    expect(tree('(a + b) * c')).toBe('(* (+ a b) c)');
    expect(tree('a - (b - c)')).toBe('(- a (- b c))');
    expect(tree('((a))')).toBe('a');
  });

  it('reads unary minus as binding tighter than * and /', () => {
    expect(tree('-a')).toBe('(neg a)');
    expect(tree('-a * b')).toBe('(* (neg a) b)');
    expect(tree('a - -b')).toBe('(- a (neg b))');
    expect(tree('a * -2')).toBe('(* a (neg 2))');
    expect(tree('--a')).toBe('(neg (neg a))');
    expect(tree('-(a + b)')).toBe('(neg (+ a b))');
  });

  it('accepts whitespace and newlines anywhere between tokens', () => {
    expect(tree('\n  a\n+\tb\r\n*\n c \n')).toBe('(+ a (* b c))');
    expect(tree('a{\n  channel = "app" ,\n  device != "ios"\n}')).toBe('a{channel="app",device!="ios"}');
  });

  it('parses the example of the design document', () => {
    const q = parse('payments_failed{channel=~"$channel"} / payments * 100 by (method)');
    expect(show(q.expr)).toBe('(* (/ payments_failed{channel=~"$channel"} payments) 100)');
    expect(q.by).toEqual(['method']);
  });
});

describe('parseExpression: selectors and matchers', () => {
  it('reads a bare metric with no matchers', () => {
    const s = onlySelector('orders');
    expect(s.metric).toBe('orders');
    expect(s.matchers).toEqual([]);
  });

  it('reads every match operator', () => {
    const s = onlySelector('orders{a="1", b!="2", c=~"3.*", d!~"4|5"}');
    expect(s.matchers.map((m) => [m.dimension, m.op, m.value])).toEqual([
      ['a', '=', '1'],
      ['b', '!=', '2'],
      ['c', '=~', '3.*'],
      ['d', '!~', '4|5'],
    ]);
  });

  it('reads single- and double-quoted strings alike', () => {
    expect(onlySelector(`orders{channel='app'}`).matchers[0]?.value).toBe('app');
    expect(onlySelector(`orders{channel="it's"}`).matchers[0]?.value).toBe("it's");
    expect(onlySelector(`orders{channel='say "hi"'}`).matchers[0]?.value).toBe('say "hi"');
  });

  it('decodes the escapes \\\\ \\" \\\' \\n \\t', () => {
    const s = onlySelector(String.raw`orders{a="back\\slash", b="q\"uote", c='it\'s', d="line\nbreak", e="tab\there"}`);
    expect(s.matchers.map((m) => m.value)).toEqual(['back\\slash', 'q"uote', "it's", 'line\nbreak', 'tab\there']);
  });

  it('accepts a trailing comma inside the braces', () => {
    expect(tree('orders{channel="app",}')).toBe('orders{channel="app"}');
    expect(tree('orders{channel="app", device="ios",\n}')).toBe('orders{channel="app",device="ios"}');
  });

  it('keeps an empty string value', () => {
    expect(onlySelector('orders{channel=""}').matchers[0]?.value).toBe('');
  });

  it('keeps injection-looking text as a literal value', () => {
    expect(onlySelector(`orders{channel="x' OR 1=1 --"}`).matchers[0]?.value).toBe("x' OR 1=1 --");
    expect(onlySelector(`orders{channel='"; DROP TABLE events; --'}`).matchers[0]?.value).toBe('"; DROP TABLE events; --');
    const q = parse(`orders{channel="a\\"} by (x) or \\"b"}`);
    expect(q.by).toEqual([]);
    expect(show(q.expr)).toBe('orders{channel="a\\"} by (x) or \\"b"}');
  });

  it('treats "by" as a name where an expression has not ended', () => {
    expect(tree('by + 1')).toBe('(+ by 1)');
    expect(tree('orders{by="x"}')).toBe('orders{by="x"}');
    const q = parse('by by (by)');
    expect(show(q.expr)).toBe('by');
    expect(q.by).toEqual(['by']);
  });
});

describe('parseExpression: by', () => {
  it('reads the grouping dimensions in order', () => {
    expect(parse('orders by (channel, device)').by).toEqual(['channel', 'device']);
    expect(parse('orders by(channel)').by).toEqual(['channel']);
    expect(parse('a / b\nby (\n  region\n)').by).toEqual(['region']);
  });

  it('returns an empty list without by', () => {
    expect(parse('orders').by).toEqual([]);
  });
});

describe('parseExpression: positions', () => {
  it('places nodes at their first character, binary nodes at their operator', () => {
    const q = parse('orders{channel="app"}\n  / -payments');
    expect(q.expr.pos).toEqual({ offset: 24, line: 2, column: 3 });
    if (q.expr.kind !== 'binary') throw new Error('expected a binary node');
    expect(q.expr.left.pos).toEqual({ offset: 0, line: 1, column: 1 });
    expect(q.expr.right.pos).toEqual({ offset: 26, line: 2, column: 5 });
    if (q.expr.right.kind !== 'neg') throw new Error('expected a neg node');
    expect(q.expr.right.operand.pos).toEqual({ offset: 27, line: 2, column: 6 });
    if (q.expr.left.kind !== 'selector') throw new Error('expected a selector');
    expect(q.expr.left.matchers[0]?.pos).toEqual({ offset: 7, line: 1, column: 8 });
  });
});

describe('parseExpression: errors', () => {
  const cases: Array<[string, string, number, number]> = [
    // [input, message, offset, length]
    ['', 'expected a metric name, a number or "(" but found end of input', 0, 0],
    ['   ', 'expected a metric name, a number or "(" but found end of input', 3, 0],
    ['a +', 'expected a metric name, a number or "(" but found end of input', 3, 0],
    ['*a', 'expected a metric name, a number or "(" but found "*"', 0, 1],
    ['a * / b', 'expected a metric name, a number or "(" but found "/"', 4, 1],
    ['a + "x"', 'expected a metric name, a number or "(" but found the string "x"', 4, 3],
    ['a + }', 'expected a metric name, a number or "(" but found "}"', 4, 1],
    ['(a + b', 'expected ")" but found end of input', 6, 0],
    ['(a b)', 'expected ")" but found "b"', 3, 1],
    ['(a by (x))', 'expected ")" but found "by"', 3, 2],
    ['a)', 'found ")" without a matching "("', 1, 1],
    ['a b', 'expected an operator, "by" or end of input but found "b"', 2, 1],
    ['1{a="b"}', 'expected an operator, "by" or end of input but found "{"', 1, 1],
    ['a{b="c"}{', 'expected an operator, "by" or end of input but found "{"', 8, 1],
    ['a # b', 'expected an operator, "by" or end of input but found "#"', 2, 1],
    ['a % b', 'expected an operator, "by" or end of input but found "%"', 2, 1],
    ['a 😀', 'expected an operator, "by" or end of input but found "😀"', 2, 2],
    ['a{', 'expected a dimension name but found end of input', 2, 0],
    ['a{}', 'expected a dimension name but found "}"', 2, 1],
    ['a{"b"="c"}', 'expected a dimension name but found the string "b"', 2, 3],
    ['a{b="c",,}', 'expected a dimension name or "}" but found ","', 8, 1],
    ['a{b}', 'expected =, !=, =~ or !~ after "b" but found "}"', 3, 1],
    ['a{b "c"}', 'expected =, !=, =~ or !~ after "b" but found the string "c"', 4, 3],
    ['a{b=="c"}', 'unknown operator "=="; use =, !=, =~ or !~', 3, 2],
    ['a{b!"c"}', 'unknown operator "!"; use =, !=, =~ or !~', 3, 1],
    ['a{b<>"c"}', 'unknown operator "<>"; use =, !=, =~ or !~', 3, 2],
    ['a{b~="c"}', 'unknown operator "~="; use =, !=, =~ or !~', 3, 2],
    ['a{b=c}', 'expected a quoted string after "=" but found "c"', 4, 1],
    ['a{b=~1}', 'expected a quoted string after "=~" but found "1"', 5, 1],
    ['a{b=}', 'expected a quoted string after "=" but found "}"', 4, 1],
    ['a{b="c"', 'expected "," or "}" but found end of input', 7, 0],
    ['a{b="c" d="e"}', 'expected "," or "}" but found "d"', 8, 1],
    ['a{b="c}', 'unterminated string: add the closing "', 4, 3],
    ["a{b='c}", "unterminated string: add the closing '", 4, 3],
    ['a{b="c\\"}', 'unterminated string: add the closing "', 4, 5],
    ['a{b="c\n"}', 'unterminated string: add the closing "', 4, 2],
    ['a{b="\\d+"}', 'unknown escape "\\d" in string; write "\\\\" for a backslash', 5, 2],
    ['a by', 'expected "(" after "by" but found end of input', 4, 0],
    ['a by x', 'expected "(" after "by" but found "x"', 5, 1],
    ['a by ()', 'expected a dimension name but found ")"', 6, 1],
    ['a by (x,)', 'expected a dimension name but found ")"', 8, 1],
    ['a by (x y)', 'expected "," or ")" but found "y"', 8, 1],
    ['a by (x', 'expected "," or ")" but found end of input', 7, 0],
    ['a by (x) b', 'expected end of input but found "b"', 9, 1],
    ['a by (x) + b', 'expected end of input but found "+"', 9, 1],
    ['a by (x, x)', 'dimension "x" appears twice in by (...)', 9, 1],
    ['12abc', 'invalid number "12abc"', 0, 5],
    ['1.2.3', 'invalid number "1.2.3"', 0, 5],
    ['a * 1e', 'invalid number "1e"', 4, 2],
    ['1e999', 'number "1e999" is too large', 0, 5],
    ['.', 'expected a metric name, a number or "(" but found "."', 0, 1],
  ];

  it.each(cases)('reports %j as %j', (input, message, offset, length) => {
    const error = parseError(input);
    expect(error.message).toBe(message);
    expect(error.offset).toBe(offset);
    expect(error.length).toBe(length);
  });

  it('reports the line and column of an error after newlines', () => {
    const error = parseError('orders\n  + payments\n  * * 2');
    expect(error).toMatchObject({ line: 3, column: 5, offset: 24, message: 'expected a metric name, a number or "(" but found "*"' });
  });

  it('reports an unterminated string on its own line', () => {
    const error = parseError('orders{\n  channel="app\n}');
    expect(error).toMatchObject({ line: 2, column: 11, message: 'unterminated string: add the closing "' });
  });

  it('reports the first problem in source order', () => {
    expect(parseError('a{b="\\x"} + 1e999').message).toMatch(/^unknown escape/);
    expect(parseError('a * + "unterminated').message).toBe('expected a metric name, a number or "(" but found "+"');
  });
});

describe('parseExpression: limits', () => {
  it('accepts 4096 characters and rejects 4097', () => {
    const longest = `a${' '.repeat(4094)}b`.replace(/ b$/, '+b');
    expect(longest).toHaveLength(4096);
    expect(parseExpression(longest).ok).toBe(true);
    const error = parseError(`${longest} `);
    expect(error.message).toBe('expression is too long (4097 characters; the limit is 4096)');
    expect(error.offset).toBe(4096);
  });

  it('accepts 64 levels of nesting and rejects 65', () => {
    expect(tree(`${'('.repeat(64)}a${')'.repeat(64)}`)).toBe('a');
    expect(parseExpression(`${'-'.repeat(64)}a`).ok).toBe(true);
    expect(parseExpression(`${'(-'.repeat(32)}a${')'.repeat(32)}`).ok).toBe(true);
    const tooDeep = 'expression is nested too deeply (more than 64 levels of parentheses or minus signs)';
    expect(parseError(`${'('.repeat(65)}a${')'.repeat(65)}`)).toMatchObject({ message: tooDeep, offset: 64 });
    expect(parseError(`${'-'.repeat(65)}a`)).toMatchObject({ message: tooDeep, offset: 64 });
  });

  it('returns an error instead of overflowing the stack on deep input', () => {
    expect(parseError('('.repeat(4096)).message).toMatch(/nested too deeply/);
    expect(parseError('-'.repeat(4096)).message).toMatch(/nested too deeply/);
  });

  it('handles long flat chains without nesting limits', () => {
    const chain = Array.from({ length: 2048 }, () => 'a').join('+');
    const q = parse(chain);
    expect(selectorsOf(q.expr)).toHaveLength(2048);
    expect(formatExpression(q)).toBe(chain.replaceAll('+', ' + '));
  });
});

describe('selectorsOf', () => {
  it('lists selectors in source order', () => {
    const q = parse('a / (b{x="1"} + -c) * 2 - d');
    expect(selectorsOf(q.expr).map((s) => s.metric)).toEqual(['a', 'b', 'c', 'd']);
    expect(selectorsOf(q.expr)[1]?.matchers[0]?.value).toBe('1');
  });

  it('returns nothing for a number', () => {
    expect(selectorsOf(parse('-(1 + 2)').expr)).toEqual([]);
  });
});

describe('formatExpression', () => {
  it('writes canonical text with minimal parentheses', () => {
    const cases: Array<[string, string]> = [
      ['a-(b-c)', 'a - (b - c)'],
      ['(a-b)-c', 'a - b - c'],
      ['(a*b)+c', 'a * b + c'],
      ['a*(b+c)', 'a * (b + c)'],
      ['a/(b*c)', 'a / (b * c)'],
      ['a+(b+c)', 'a + (b + c)'],
      ['-(a)', '-a'],
      ['-(a*b)', '-(a * b)'],
      ['- - a', '--a'],
      ['a- -b', 'a - -b'],
      ['(-a)*b', '-a * b'],
      ['.5 + 1e3', '0.5 + 1000'],
      ["orders{channel='app',device!~\"i.*\",}", 'orders{channel="app", device!~"i.*"}'],
      ['orders by(a,b)', 'orders by (a, b)'],
    ];
    for (const [input, canonical] of cases) expect(formatExpression(parse(input))).toBe(canonical);
  });

  it('double-quotes and escapes string values', () => {
    const q = parse(String.raw`m{a='say "hi"', b='it\'s', c="back\\slash", d="x\ny\tz"}`);
    expect(formatExpression(q)).toBe(String.raw`m{a="say \"hi\"", b="it's", c="back\\slash", d="x\ny\tz"}`);
  });

  const roundTrips = [
    'orders',
    '12',
    'a + b * c',
    'a - b - c',
    'a - (b - c)',
    '(a + b) * (c - d) / e',
    'a / (b / c)',
    '-a * -(b + c)',
    '---a',
    '-(-a)',
    '1.5e-7 * 1e21 + .25',
    'payments_failed{channel=~"$channel"} / payments * 100 by (method)',
    String.raw`m{a="\\", b='\'', c="\"", d="\n\t", e=""}`,
    `orders{channel="x' OR 1=1 --"}`,
    'by{by="by"} by (by)',
    'a{x!="1",} / (b{y=~"a|b", z!~".*"} - 3) by (x, y, z)',
  ];

  it.each(roundTrips)('round-trips %j to an equal tree', (text) => {
    const original = parse(text);
    const formatted = formatExpression(original);
    const reparsed = parse(formatted);
    expect(withoutPositions(reparsed)).toEqual(withoutPositions(original));
    expect(formatExpression(reparsed)).toBe(formatted);
  });
});

describe('completionContextAt', () => {
  const at = (text: string) => completionContextAt(text, text.length);

  it('offers metrics at the start of a factor', () => {
    expect(at('')).toEqual({ kind: 'metric', prefix: '' });
    expect(at('ord')).toEqual({ kind: 'metric', prefix: 'ord' });
    expect(at('orders / pay')).toEqual({ kind: 'metric', prefix: 'pay' });
    expect(at('(orders + ')).toEqual({ kind: 'metric', prefix: '' });
    expect(at('-(')).toEqual({ kind: 'metric', prefix: '' });
  });

  it('offers dimensions of the enclosing metric inside braces', () => {
    expect(at('orders{')).toMatchObject({ kind: 'dimension', metric: 'orders', prefix: '' });
    expect(at('orders{chan')).toMatchObject({ kind: 'dimension', metric: 'orders', prefix: 'chan' });
    expect(at('a + orders{channel="app", dev')).toMatchObject({ kind: 'dimension', metric: 'orders', prefix: 'dev' });
    expect(at('orders{\n  channel="app",\n  ')).toMatchObject({ kind: 'dimension', metric: 'orders', prefix: '' });
  });

  it('offers values after a match operator and inside an open string', () => {
    const value = { kind: 'value', metric: 'orders', dimension: 'channel' };
    expect(at('orders{channel=')).toMatchObject({ ...value, prefix: '' });
    expect(at('orders{channel!~ ')).toMatchObject({ ...value, prefix: '' });
    expect(at('orders{channel=~"ap')).toMatchObject({ ...value, prefix: 'ap' });
    expect(at('orders{channel="')).toMatchObject({ ...value, prefix: '' });
    expect(at("orders{channel='a\\'b")).toMatchObject({ ...value, prefix: "a'b" });
    expect(at('orders{device="ios", channel="we')).toMatchObject({ ...value, prefix: 'we' });
  });

  it('offers match operators after a dimension', () => {
    expect(at('orders{channel ')).toMatchObject({ kind: 'operator', metric: 'orders', dimension: 'channel', prefix: '' });
    expect(at('orders{channel!')).toMatchObject({ kind: 'operator', metric: 'orders', dimension: 'channel', prefix: '!' });
  });

  it('offers operators and by after a complete operand', () => {
    expect(at('orders ')).toEqual({ kind: 'operator', prefix: '' });
    expect(at('orders{channel="app"} ')).toEqual({ kind: 'operator', prefix: '' });
    expect(at('orders b')).toEqual({ kind: 'operator', prefix: 'b' });
    expect(at('(orders) ')).toEqual({ kind: 'operator', prefix: '' });
  });

  it('offers dimensions inside by (...)', () => {
    expect(at('orders by (')).toEqual({ kind: 'by_dimension', prefix: '' });
    expect(at('orders / visitors by (channel, dev')).toEqual({ kind: 'by_dimension', prefix: 'dev' });
  });

  it('offers nothing where no name can follow', () => {
    expect(at('orders by (channel) ')).toEqual({ kind: 'none', prefix: '' });
    expect(at('orders by ')).toEqual({ kind: 'none', prefix: '' });
    expect(at('orders{channel="app"')).toEqual({ kind: 'none', prefix: '' });
    expect(at('12')).toEqual({ kind: 'none', prefix: '' });
    expect(at('orders )')).toEqual({ kind: 'none', prefix: '' });
    expect(at('orders x')).toEqual({ kind: 'none', prefix: '' });
    expect(at('(orders b')).toEqual({ kind: 'none', prefix: '' });
    expect(at('orders{channel=ap')).toEqual({ kind: 'none', prefix: '' });
    expect(at('orders{channel="app"}{')).toEqual({ kind: 'none', prefix: '' });
  });

  it('looks only at the text before the cursor', () => {
    const text = 'orders{channel="app"} / payments by (method)';
    expect(completionContextAt(text, 'orders{cha'.length)).toMatchObject({ kind: 'dimension', metric: 'orders', prefix: 'cha' });
    expect(completionContextAt(text, 'orders{channel="a'.length)).toMatchObject({ kind: 'value', dimension: 'channel', prefix: 'a' });
    expect(completionContextAt(text, 'orders{channel="app"} / pay'.length)).toEqual({ kind: 'metric', prefix: 'pay' });
    expect(completionContextAt(text, 0)).toEqual({ kind: 'metric', prefix: '' });
    expect(completionContextAt(text, text.length + 10)).toEqual({ kind: 'none', prefix: '' });
    expect(completionContextAt(text, -5)).toEqual({ kind: 'metric', prefix: '' });
  });
});
