import type { ShopmonQuery } from '../../kpi/datasourceQuery';
import { builderToCode, codeToBuilder } from './editorMode';

const builder = (patch: Partial<ShopmonQuery>): ShopmonQuery => ({ refId: 'A', queryKind: 'kpi', editorMode: 'builder', interval: '1h', ...patch });

function roundTrip(q: ShopmonQuery): { code: ShopmonQuery; back: ShopmonQuery } {
  const code = builderToCode(q);
  if (!code.ok) throw new Error(code.message);
  const back = codeToBuilder(code.query);
  if (!back.ok) throw new Error(back.message);
  return { code: code.query, back: back.query };
}

describe('builder -> code -> builder', () => {
  it('writes metric, matchers and by, and reads them back', () => {
    const q = builder({
      metric: 'payments',
      filters: [
        { dimension: 'channel', op: 'eq', values: ['app'] },
        { dimension: 'device', op: 'neq', values: ['mobile'] },
        { dimension: 'method', op: 'regex', values: ['card.*'] },
        { dimension: 'status', op: 'not_regex', values: ['fail.*'] },
      ],
      groupBy: ['method', 'channel'],
    });
    const { code, back } = roundTrip(q);
    expect(code.expr).toBe('payments{channel="app", device!="mobile", method=~"card.*", status!~"fail.*"} by (method, channel)');
    expect(code).toMatchObject({ editorMode: 'code', filters: [], groupBy: [], interval: '1h' });
    expect(code.metric).toBeUndefined();
    expect(back).toEqual({ ...q, editorMode: 'builder' });
  });

  it('keeps several eq / neq values as an escaped alternation and reads them back as values', () => {
    const q = builder({
      metric: 'orders',
      filters: [
        { dimension: 'channel', op: 'eq', values: ['web', 'a.b|c'] },
        { dimension: 'region', op: 'neq', values: ['x', 'y'] },
      ],
    });
    const { code, back } = roundTrip(q);
    expect(code.expr).toBe('orders{channel=~"web|a\\\\.b\\\\|c", region!~"x|y"}');
    expect(back.filters).toEqual(q.filters);
  });

  it('round-trips values with quotes, backslashes and variables', () => {
    const q = builder({ metric: 'orders', filters: [{ dimension: 'category', op: 'eq', values: ['say "hi" \\ bye'] }, { dimension: 'channel', op: 'regex', values: ['$channel'] }] });
    const { code, back } = roundTrip(q);
    expect(code.expr).toBe('orders{category="say \\"hi\\" \\\\ bye", channel=~"$channel"}');
    expect(back.filters).toEqual(q.filters);
  });

  it('skips filters that have no values yet', () => {
    const code = builderToCode(builder({ metric: 'orders', filters: [{ dimension: 'channel', op: 'eq', values: [] }] }));
    expect(code.ok && code.query.expr).toBe('orders');
  });

  it.each(['in', 'not_in', 'contains', 'not_contains'] as const)('keeps a query with a %s filter in the builder and says why', (op) => {
    const result = builderToCode(builder({ metric: 'orders', filters: [{ dimension: 'channel', op, values: ['web'] }] }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/channel/);
  });

  it('needs a metric', () => {
    expect(builderToCode(builder({})).ok).toBe(false);
  });

  it('refuses a variable mixed with other values in one eq filter', () => {
    expect(builderToCode(builder({ metric: 'orders', filters: [{ dimension: 'channel', op: 'eq', values: ['$channel', 'web'] }] })).ok).toBe(false);
  });
});

describe('code -> builder', () => {
  const code = (expr: string, patch: Partial<ShopmonQuery> = {}): ShopmonQuery => ({ refId: 'A', editorMode: 'code', expr, ...patch });

  it('reads a single selector', () => {
    const result = codeToBuilder(code("gmv{channel='web', region=~\"seoul|busan\"} by (device)", { alias: '{{device}}' }));
    expect(result).toEqual({
      ok: true,
      query: {
        refId: 'A',
        editorMode: 'builder',
        alias: '{{device}}',
        metric: 'gmv',
        filters: [
          { dimension: 'channel', op: 'eq', values: ['web'] },
          { dimension: 'region', op: 'eq', values: ['seoul', 'busan'] },
        ],
        groupBy: ['device'],
      },
    });
  });

  it('keeps a single literal regex as a regex', () => {
    const result = codeToBuilder(code('orders{channel=~"web"}'));
    expect(result.ok && result.query.filters).toEqual([{ dimension: 'channel', op: 'regex', values: ['web'] }]);
  });

  it('stays in code for arithmetic and says why', () => {
    const result = codeToBuilder(code('payments_failed / payments * 100'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/single metric/);
  });

  it('stays in code for an expression that does not parse, naming line and column', () => {
    const result = codeToBuilder(code('orders{channel=="web"}'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/line 1, column 15/);
  });

  it('switches an empty expression', () => {
    expect(codeToBuilder(code('  ')).ok).toBe(true);
  });
});
