import { parseRates } from './currencies';
import { validateEvent, type ValidationContext } from './events';

const now = Date.parse('2026-11-25T12:00:00Z');
const ctx: ValidationContext = { now, retentionDays: 400, currency: 'KRW', rates: parseRates('USD=1400', 'KRW') };
const base = { event_id: 'e-1', visitor_id: 'v-1' };

function errorsOf(event: unknown) {
  const r = validateEvent(event, ctx);
  if (r.ok) throw new Error('expected a rejection');
  return r.errors;
}

describe('validateEvent', () => {
  it('accepts a minimal event and applies defaults', () => {
    const r = validateEvent({ ...base, type: 'page_view' }, ctx);
    expect(r.ok && r.event).toMatchObject({ ts: now, channel: '', product_id: '', session_id: null, amount: null });
  });

  it('reads RFC 3339 with offsets and epoch ms', () => {
    const a = validateEvent({ ...base, type: 'signup', ts: '2026-11-25T18:00:00+09:00' }, ctx);
    const b = validateEvent({ ...base, type: 'signup', ts: now - 1000 }, ctx);
    expect(a.ok && a.event.ts).toBe(Date.parse('2026-11-25T09:00:00Z'));
    expect(b.ok && b.event.ts).toBe(now - 1000);
  });

  it.each([
    [{ ...base, type: 'nope' }, 'type', /must be one of/],
    [{ visitor_id: 'v', type: 'page_view' }, 'event_id', /required/],
    [{ event_id: 'e', type: 'page_view' }, 'visitor_id', /required/],
    [{ ...base, type: 'order', amount: 10 }, 'order_id', /required for order/],
    [{ ...base, type: 'order', order_id: 'o', amount: -5 }, 'amount', /negative/],
    [{ ...base, type: 'order', order_id: 'o', amount: '5' }, 'amount', /not a string/],
    [{ ...base, type: 'search', results: '3' }, 'results', /not a string/],
    [{ ...base, type: 'search', results: 1.5 }, 'results', /integer/],
    [{ ...base, type: 'page_view', ts: now + 6 * 60_000 }, 'ts', /future/],
    [{ ...base, type: 'page_view', ts: now - 401 * 86_400_000 }, 'ts', /retention/],
    [{ ...base, type: 'page_view', ts: '25/11/2026' }, 'ts', /RFC 3339/],
    [{ ...base, type: 'page_view', ts: 1.5 }, 'ts', /integer/],
    [{ ...base, type: 'order', order_id: 'o', amount: 1, currency: 'XYZ' }, 'currency', /not an ISO 4217/],
    [{ ...base, type: 'order', order_id: 'o', amount: 1, currency: 'EUR' }, 'currency', /no exchange rate/],
    [{ ...base, type: 'order', order_id: 'o', amount: 1, currency: 'krw' }, 'currency', /ISO 4217/],
    [{ ...base, event_id: 'x'.repeat(129), type: 'signup' }, 'event_id', /limit is 128/],
    [{ ...base, type: 'page_view', url: 'u'.repeat(2049) }, 'url', /limit is 2048/],
    [{ ...base, type: 'page_view', amount: 3 }, 'amount', /not a field of page_view/],
    [{ ...base, type: 'page_view', colour: 'red' }, 'colour', /props/],
    [{ ...base, type: 'payment', order_id: 'o', status: 'ok' }, 'status', /succeeded/],
    [{ ...base, type: 'signup', props: { big: 'x'.repeat(5000) } }, 'props', /limit is 4096/],
  ])('rejects %j on %s', (event, field, message) => {
    const errors = errorsOf(event);
    const error = errors.find((e) => e.field === field);
    expect(error).toBeDefined();
    expect(error!.message).toMatch(message);
  });

  it('converts money with a configured rate and keeps the original currency', () => {
    const r = validateEvent({ ...base, type: 'order', order_id: 'o', amount: 10, currency: 'USD' }, ctx);
    expect(r.ok && [r.event.amount, r.event.currency]).toEqual([14000, 'USD']);
  });

  it('rejects non-objects', () => {
    expect(errorsOf('text')[0]!.message).toMatch(/JSON object/);
    expect(errorsOf([1])[0]!.message).toMatch(/JSON object/);
  });

  it('reports every broken field of one event', () => {
    const fields = errorsOf({ ...base, type: 'order', amount: -1, currency: 'usd' }).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['order_id', 'amount', 'currency']));
  });
});
