import { autoInterval, bucketStarts, localToUtc, offsetSegments, parseInterval, tzOffset } from './time';

const iso = (xs: number[]) => xs.map((x) => new Date(x).toISOString());

describe('time zone buckets', () => {
  it('starts Asia/Seoul days at local midnight', () => {
    const starts = bucketStarts(parseInterval('1d')!, 'Asia/Seoul', Date.parse('2026-11-20T00:00:00Z'), Date.parse('2026-11-21T00:00:00Z'));
    expect(iso(starts)).toEqual(['2026-11-19T15:00:00.000Z', '2026-11-20T15:00:00.000Z']);
  });

  it('gives a 23-hour and a 25-hour day across DST in New York', () => {
    const spring = bucketStarts(parseInterval('1d')!, 'America/New_York', Date.parse('2026-03-08T05:00:00Z'), Date.parse('2026-03-10T04:00:00Z'));
    expect(iso(spring)).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const fall = bucketStarts(parseInterval('1d')!, 'America/New_York', Date.parse('2026-11-01T04:00:00Z'), Date.parse('2026-11-02T06:00:00Z'));
    expect(iso(fall)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
  });

  it('keeps both repeated hours of a fall-back night as separate hourly buckets', () => {
    const hours = bucketStarts(parseInterval('1h')!, 'Europe/Berlin', Date.parse('2026-10-24T23:00:00Z'), Date.parse('2026-10-25T02:00:00Z'));
    expect(iso(hours)).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z']);
  });

  it('aligns hours to local half-hour offsets, weeks to Monday and months to the 1st', () => {
    expect(iso(bucketStarts(parseInterval('1h')!, 'Asia/Kolkata', Date.parse('2026-01-15T00:00:00Z'), Date.parse('2026-01-15T01:00:00Z')))).toEqual([
      '2026-01-14T23:30:00.000Z',
      '2026-01-15T00:30:00.000Z',
    ]);
    expect(iso(bucketStarts(parseInterval('1w')!, 'UTC', Date.parse('2026-11-25T00:00:00Z'), Date.parse('2026-11-26T00:00:00Z')))).toEqual(['2026-11-23T00:00:00.000Z']);
    expect(iso(bucketStarts(parseInterval('1M')!, 'Asia/Seoul', Date.parse('2026-02-10T00:00:00Z'), Date.parse('2026-03-10T00:00:00Z')))).toEqual([
      '2026-01-31T15:00:00.000Z',
      '2026-02-28T15:00:00.000Z',
    ]);
  });

  it('finds DST transitions to the second', () => {
    const segments = offsetSegments('Europe/Berlin', Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z'));
    expect(segments[0]).toEqual({ until: Date.parse('2026-10-25T01:00:00Z'), offset: 2 * 3_600_000 });
    expect(segments[1]!.offset).toBe(3_600_000);
    expect(tzOffset('Asia/Seoul', Date.now())).toBe(9 * 3_600_000);
    expect(localToUtc('Asia/Seoul', Date.parse('2026-11-25T00:00:00Z'))).toBe(Date.parse('2026-11-24T15:00:00Z'));
  });

  it('parses intervals and picks auto steps', () => {
    expect(parseInterval('24h')).toMatchObject({ kind: 'days', days: 1 });
    expect(parseInterval('90s')).toMatchObject({ kind: 'fixed', ms: 90_000 });
    expect(parseInterval('0m')).toBeNull();
    expect(parseInterval('5 minutes')).toBeNull();
    expect(autoInterval(30 * 86_400_000, 1000).text).toBe('1h');
    expect(autoInterval(7 * 86_400_000, 1000).text).toBe('15m');
    expect(autoInterval(3_600_000, 1000).text).toBe('1m');
  });
});
