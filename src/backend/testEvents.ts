/** A small, deterministic day of shop traffic for the backend plugin's tests. */

export const HOUR = 3_600_000;

export interface TestRange {
  from: number;
  to: number;
}

/** The last whole 24 hours before now, so every event is inside the service's retention. */
export function lastDay(now = Date.now()): TestRange {
  const to = Math.floor(now / HOUR) * HOUR;
  return { from: to - 24 * HOUR, to };
}

export function shopEvents(range: TestRange, prefix = 'e'): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  const channels = ['app', 'web', 'partner'];
  for (let i = 0; i < 240; i++) {
    const ts = range.from + i * 6 * 60_000 + 17_000;
    const visitor = `v${i % 41}`;
    const channel = channels[i % 3]!;
    const device = i % 2 === 0 ? 'mobile' : 'desktop';
    events.push({ event_id: `${prefix}-pv-${i}`, type: 'page_view', ts, visitor_id: visitor, channel, device });
    if (i % 4 === 0) events.push({ event_id: `${prefix}-pd-${i}`, type: 'product_view', ts: ts + 1000, visitor_id: visitor, channel, device, product_id: `p${i % 7}` });
    if (i % 8 === 0) events.push({ event_id: `${prefix}-cart-${i}`, type: 'add_to_cart', ts: ts + 2000, visitor_id: visitor, channel, device, quantity: 1, amount: 1000 });
    if (i % 5 === 0) events.push({ event_id: `${prefix}-o-${i}`, type: 'order', ts: ts + 3000, visitor_id: visitor, channel, device, order_id: `${prefix}-o${i}`, amount: 1000 * (1 + (i % 9)) });
  }
  return events;
}
