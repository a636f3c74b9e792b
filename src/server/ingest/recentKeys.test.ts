import { RecentKeys } from './recentKeys';
import { eventKey } from './ingest';

const DAY = 86_400_000;

describe('RecentKeys', () => {
  it('finds every added key through growth, and only those', () => {
    const keys = new RecentKeys();
    const now = Date.parse('2026-11-25T00:00:00Z');
    for (let i = 0; i < 200_000; i++) keys.add(eventKey(`e-${i}`), now);
    expect(keys.size).toBe(200_000);
    for (let i = 0; i < 200_000; i += 997) expect(keys.has(eventKey(`e-${i}`))).toBe(true);
    for (let i = 0; i < 1000; i++) expect(keys.has(eventKey(`other-${i}`))).toBe(false);
  });

  it('forgets deleted keys without losing their neighbours in the probe chain', () => {
    const keys = new RecentKeys();
    const now = Date.now();
    // Keys that share low bits collide in the table: delete from the middle of a chain.
    const colliding = Array.from({ length: 50 }, (_, i) => ({ hi: i + 1, lo: 7 }));
    for (const k of colliding) keys.add(k, now);
    keys.delete(colliding[10]!);
    keys.delete(colliding[25]!);
    expect(keys.has(colliding[10]!)).toBe(false);
    expect(keys.has(colliding[25]!)).toBe(false);
    expect(colliding.filter((k) => keys.has(k))).toHaveLength(48);
    expect(keys.size).toBe(48);
  });

  it('keeps keys for the window of receive days and drops older days', () => {
    const keys = new RecentKeys(8);
    const start = Date.parse('2026-11-01T12:00:00Z');
    keys.add(eventKey('old'), start);
    keys.add(eventKey('week'), start + 7 * DAY);
    keys.add(eventKey('today'), start + 8 * DAY);
    expect(keys.has(eventKey('old'))).toBe(true);
    keys.add(eventKey('later'), start + 9 * DAY);
    expect(keys.has(eventKey('old'))).toBe(false);
    expect(keys.has(eventKey('week'))).toBe(true);
  });
});
