import { catalogFixture } from '../testing/catalog';
import { checkExpression, maskVariables } from './validation';

describe('checkExpression', () => {
  it('accepts a valid expression with variables inside and outside strings', () => {
    expect(checkExpression('payments_failed{channel=~"$channel"} / payments * 100 by (method)', catalogFixture)).toBeUndefined();
    expect(checkExpression('$metric{channel="web"} by ($dims)', catalogFixture)).toBeUndefined();
  });

  it('reports syntax errors with line and column', () => {
    expect(checkExpression('orders +\n  * 2')).toMatchObject({ line: 2, column: 3 });
    expect(checkExpression('orders{channel=="web"}')).toMatchObject({ line: 1, column: 15, message: expect.stringMatching(/unknown operator "=="/) });
  });

  it('checks names against the catalog, pointing at them', () => {
    expect(checkExpression('orders + ordrs', catalogFixture)).toMatchObject({ line: 1, column: 10, message: 'unknown metric "ordrs"' });
    expect(checkExpression('orders{method="card"}', catalogFixture)).toMatchObject({ line: 1, column: 8, message: expect.stringMatching(/dimension "method" is not available for orders/) });
    expect(checkExpression('orders by (method)', catalogFixture)?.message).toMatch(/"method" is not available/);
  });

  it('masks variables outside strings without moving positions', () => {
    expect(maskVariables('$m{channel="$c"} by (${d})')).toBe('__{channel="$c"} by (____)');
  });
});
