import { parseExpression, selectorsOf } from '../../kpi/expression';
import type { ShopmonQuery } from '../../kpi/datasourceQuery';
import { fakeResolver } from '../testing/templateSrv';
import { escapeRegex, interpolateExpression, interpolateQuery } from './interpolation';

const vars = fakeResolver(
  {
    channel: { value: ['web', 'app'], multi: true },
    one: { value: ['web'], multi: true },
    region: { value: 'seoul' },
    dims: { value: ['channel', 'device'], multi: true },
    metric: { value: 'gmv' },
    steps: { value: ['visit', 'order'], multi: true },
    pattern: { value: 'app|we.*' },
    dots: { value: ['a.b', 'c|d', 'e(f)'], multi: true },
    quote: { value: 'x"} + refunds{channel="y' },
    backslash: { value: 'a\\b' },
    newline: { value: 'line1\nline2' },
    bad: { value: 'gmv + 1' },
    all: { value: ['web', 'app', 'pos'], includeAll: true },
    tz: { value: 'Asia/Seoul' },
  },
  { __interval: { text: '5m', value: '5m' }, __interval_ms: { text: '300000', value: 300000 } },
);

/** The value of the only matcher of a one-selector expression. */
function matcherValue(expr: string): { op: string; value: string } {
  const parsed = parseExpression(expr);
  if (!parsed.ok) throw new Error(`${expr}: ${parsed.error.message}`);
  const [sel] = selectorsOf(parsed.query.expr);
  const m = sel!.matchers[0]!;
  return { op: m.op, value: m.value };
}

const q = (patch: Partial<ShopmonQuery>): ShopmonQuery => ({ refId: 'A', ...patch });

describe('builder fields', () => {
  it('replaces single values in metric, alias, timezone and window', () => {
    const out = interpolateQuery(q({ metric: '$metric', alias: '{{channel}} in $region', timezone: '$tz', funnelWindow: '1d' }), vars);
    expect(out).toMatchObject({ metric: 'gmv', alias: '{{channel}} in seoul', timezone: 'Asia/Seoul', funnelWindow: '1d' });
  });

  it('expands a multi-value variable into several values for eq, neq, in and not_in', () => {
    for (const op of ['eq', 'neq', 'in', 'not_in'] as const) {
      const out = interpolateQuery(q({ filters: [{ dimension: 'channel', op, values: ['$channel', 'pos', 'web'] }] }), vars);
      expect(out.filters![0]!.values).toEqual(['web', 'app', 'pos']);
    }
  });

  it('makes a regex alternation of escaped values for regex and not_regex', () => {
    const out = interpolateQuery(
      q({
        filters: [
          { dimension: 'channel', op: 'regex', values: ['$dots'] },
          { dimension: 'channel', op: 'not_regex', values: ['pre-${channel}'] },
        ],
      }),
      vars,
    );
    expect(out.filters![0]!.values).toEqual(['(a\\.b|c\\|d|e\\(f\\))']);
    expect(out.filters![1]!.values).toEqual(['pre-(web|app)']);
    const re = new RegExp(`^(?:${out.filters![0]!.values[0]})$`);
    expect(['a.b', 'c|d', 'e(f)'].every((v) => re.test(v))).toBe(true);
    expect(re.test('axb')).toBe(false);
  });

  it('keeps a single-value variable as a pattern in regex filters, as Prometheus does', () => {
    const out = interpolateQuery(q({ filters: [{ dimension: 'channel', op: 'regex', values: ['$pattern'] }] }), vars);
    expect(out.filters![0]!.values).toEqual(['app|we.*']);
  });

  it('escapes a multi-value variable with one selected value and an All selection', () => {
    const out = interpolateQuery(q({ filters: [{ dimension: 'channel', op: 'regex', values: ['$one', '$all'] }] }), vars);
    expect(out.filters![0]!.values).toEqual(['web', '(web|app|pos)']);
  });

  it('leaves out filter rows that are still being edited', () => {
    const out = interpolateQuery(
      q({ filters: [{ dimension: 'channel', op: 'eq', values: [] }, { dimension: '', op: 'eq', values: ['x'] }, { dimension: 'region', op: 'eq', values: ['$region'] }] }),
      vars,
    );
    expect(out.filters).toEqual([{ dimension: 'region', op: 'eq', values: ['seoul'] }]);
  });

  it('expands group by and funnel steps', () => {
    const out = interpolateQuery(q({ groupBy: ['$dims', 'channel'], funnelSteps: ['$steps', 'payment_succeeded'] }), vars);
    expect(out.groupBy).toEqual(['channel', 'device']);
    expect(out.funnelSteps).toEqual(['visit', 'order', 'payment_succeeded']);
  });

  it('turns $__interval and $__interval_ms into service durations', () => {
    expect(interpolateQuery(q({ interval: '$__interval' }), vars).interval).toBe('5m');
    expect(interpolateQuery(q({ interval: '$__interval_ms' }), vars).interval).toBe('300s');
    const fast = fakeResolver({}, { __interval: { text: '500ms', value: '500ms' } });
    expect(interpolateQuery(q({ interval: '$__interval' }), fast).interval).toBe('1s');
    expect(interpolateQuery(q({ interval: 'auto' }), vars).interval).toBe('auto');
    expect(interpolateQuery(q({ interval: '$__interval' }), fakeResolver()).interval).toBe('auto');
    expect(interpolateQuery(q({ interval: '1h' }), vars).interval).toBe('1h');
  });

  it('leaves unknown variables and fields it does not know alone, and does not mutate the query', () => {
    const query = { ...q({ metric: '$nope', filters: [{ dimension: 'channel', op: 'eq' as const, values: ['$nope'] }] }), extra: 1 };
    const out = interpolateQuery(query, vars);
    expect(out).toMatchObject({ metric: '$nope', extra: 1 });
    expect(out.filters![0]!.values).toEqual(['$nope']);
    expect(query.filters![0]!.values).toEqual(['$nope']);
  });
});

describe('expressions', () => {
  it('makes an escaped alternation after =~ and !~', () => {
    expect(interpolateExpression('orders{channel=~"$channel"}', vars)).toBe('orders{channel=~"(web|app)"}');
    expect(interpolateExpression("orders{channel!~'$dots'}", vars)).toBe("orders{channel!~'(a\\\\.b|c\\\\|d|e\\\\(f\\\\))'}");
    expect(matcherValue(interpolateExpression("orders{channel!~'$dots'}", vars)).value).toBe('(a\\.b|c\\|d|e\\(f\\))');
  });

  it('turns = and != with several values into =~ and !~', () => {
    expect(interpolateExpression('orders{channel="$channel"}', vars)).toBe('orders{channel=~"(web|app)"}');
    expect(interpolateExpression('orders{channel != "$channel"}', vars)).toBe('orders{channel !~ "(web|app)"}');
    expect(interpolateExpression('orders{channel="x.$channel"}', vars)).toBe('orders{channel=~"x\\\\.(web|app)"}');
    expect(interpolateExpression('orders{channel="$one"}', vars)).toBe('orders{channel="web"}');
  });

  it('keeps a value with quotes and braces inside its string', () => {
    const out = interpolateExpression('orders{channel="$quote"} by (channel)', vars);
    const parsed = parseExpression(out);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(selectorsOf(parsed.query.expr)).toHaveLength(1);
    expect(matcherValue(out)).toEqual({ op: '=', value: 'x"} + refunds{channel="y' });
  });

  it('escapes backslashes and line breaks, in either kind of quotes', () => {
    expect(matcherValue(interpolateExpression('orders{channel="$backslash"}', vars)).value).toBe('a\\b');
    expect(matcherValue(interpolateExpression("orders{channel='$backslash'}", vars)).value).toBe('a\\b');
    expect(matcherValue(interpolateExpression("orders{channel='$quote'}", vars)).value).toBe('x"} + refunds{channel="y');
    expect(matcherValue(interpolateExpression('orders{channel="$newline"}', vars)).value).toBe('line1\nline2');
  });

  it('escapes an explicit ${var:raw} too', () => {
    const out = interpolateExpression('orders{channel="${quote:raw}"}', vars);
    expect(matcherValue(out).value).toBe('x"} + refunds{channel="y');
  });

  it('lets a regex-y single value match itself literally after =', () => {
    const withMeta = fakeResolver({ v: { value: 'a.b*' } });
    expect(matcherValue(interpolateExpression('orders{channel="$v"}', withMeta))).toEqual({ op: '=', value: 'a.b*' });
    expect(matcherValue(interpolateExpression('orders{channel=~"$v"}', withMeta))).toEqual({ op: '=~', value: 'a.b*' });
    expect(escapeRegex('a.b*')).toBe('a\\.b\\*');
  });

  it('allows names and numbers outside strings and quotes anything else so it cannot change the expression', () => {
    expect(interpolateExpression('$metric / orders by ($dims)', vars)).toBe('gmv / orders by (channel, device)');
    expect(interpolateExpression('orders * $__interval_ms', vars)).toBe('orders * 300000');
    const out = interpolateExpression('$bad{channel="web"}', vars);
    expect(out).toBe('"gmv + 1"{channel="web"}');
    const parsed = parseExpression(out);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ line: 1, column: 1 });
    expect(interpolateExpression('orders by ($quote)', vars)).toBe('orders by ("x\\"} + refunds{channel=\\"y")');
  });

  it('leaves strings without variables exactly as written', () => {
    const text = 'orders{channel=~"a\\\\d+", device="m"}';
    expect(interpolateExpression(text, vars)).toBe(text);
  });
});
