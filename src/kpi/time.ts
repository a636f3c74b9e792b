/**
 * Time zone and interval math for bucket alignment. Buckets are aligned in the query time zone:
 * sub-day buckets to local clock multiples, day and longer buckets to local midnight, weeks to
 * Monday, months to the 1st. Offsets come from Intl, so DST zones work without a tz database.
 */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type Interval =
  | { kind: 'fixed'; ms: number; text: string }
  | { kind: 'days'; days: number; text: string }
  | { kind: 'weeks'; weeks: number; text: string }
  | { kind: 'months'; months: number; text: string };

const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE, h: HOUR };

/** Parses "30s", "5m", "1h", "1d", "1w", "1M", "1y"; null when the text is not an interval. */
export function parseInterval(text: string): Interval | null {
  const m = /^(\d{1,6})(ms|s|m|h|d|w|M|y)$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2]!;
  if (n <= 0) return null;
  if (unit === 'ms') return n >= 1000 && n % 1000 === 0 ? parseInterval(`${n / 1000}s`) : null;
  if (unit === 'd') return { kind: 'days', days: n, text };
  if (unit === 'w') return { kind: 'weeks', weeks: n, text };
  if (unit === 'M') return { kind: 'months', months: n, text };
  if (unit === 'y') return { kind: 'months', months: 12 * n, text };
  const ms = n * UNIT_MS[unit]!;
  if (ms >= DAY && ms % DAY === 0) return { kind: 'days', days: ms / DAY, text };
  return { kind: 'fixed', ms, text };
}

/** Nominal length, for point counts and comparisons. */
export function intervalMs(i: Interval): number {
  switch (i.kind) {
    case 'fixed':
      return i.ms;
    case 'days':
      return i.days * DAY;
    case 'weeks':
      return i.weeks * 7 * DAY;
    case 'months':
      return i.months * 30 * DAY;
  }
}

const AUTO_STEPS = ['1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '1w', '1M'];

/** The smallest sensible step that keeps the range within maxPoints buckets. */
export function autoInterval(rangeMs: number, maxPoints: number): Interval {
  const points = Math.max(1, Math.floor(maxPoints));
  for (const step of AUTO_STEPS) {
    const i = parseInterval(step)!;
    if (rangeMs / intervalMs(i) <= points) return i;
  }
  return parseInterval('1y')!;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of local time from UTC at an instant, in ms (Asia/Seoul: +9h). */
export function tzOffset(tz: string, utcMs: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
  const parts = formatterFor(tz).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** UTC instant of a local wall-clock time; in a DST gap, the instant just after it. */
export function localToUtc(tz: string, localMs: number): number {
  let utc = localMs - tzOffset(tz, localMs);
  utc = localMs - tzOffset(tz, utc);
  return utc;
}

export interface OffsetSegment {
  /** The offset applies to instants before `until` (and after the previous segment's). */
  until: number;
  offset: number;
}

/**
 * The UTC offsets in force over [from, to), as segments split at each transition, found by a
 * daily scan and a binary search to the second.
 */
export function offsetSegments(tz: string, from: number, to: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = tzOffset(tz, from);
  let t = from;
  while (t < to) {
    const next = Math.min(t + DAY, to);
    const off = tzOffset(tz, next);
    if (off !== current) {
      // Transitions fall on whole seconds: search in seconds so `until` is exact.
      let lo = Math.floor(t / 1000) * 1000;
      let hi = Math.ceil(next / 1000) * 1000;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (tzOffset(tz, mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ until: hi, offset: current });
      current = off;
    }
    t = next;
  }
  segments.push({ until: Number.POSITIVE_INFINITY, offset: current });
  return segments;
}

/** A segment with where it starts (the transition before it; -Infinity for the first) and the offset in force before that. */
export interface SegmentSpan extends OffsetSegment {
  start: number;
  previous: number;
}

export function segmentSpans(segments: OffsetSegment[]): SegmentSpan[] {
  return segments.map((s, i) => ({
    ...s,
    start: i === 0 ? Number.NEGATIVE_INFINITY : segments[i - 1]!.until,
    previous: i === 0 ? s.offset : segments[i - 1]!.offset,
  }));
}

/** The span of the segment holding t (the last segment runs to +Infinity). */
const spanAt = (segments: OffsetSegment[], t: number): SegmentSpan => segmentSpans(segments).find((s) => t < s.until)!;

const floorTo = (n: number, step: number) => Math.floor(n / step) * step;
// 1970-01-01 was a Thursday; weeks start on Monday, day 4 after the epoch.
const MONDAY_EPOCH_DAY = 4;

/**
 * The bucket key of an instant as the store computes it in SQL: for fixed intervals the UTC
 * start of the bucket, for calendar intervals the local wall-clock start (mapped to UTC by
 * `calendarBucketStart`).
 */
export function bucketKey(interval: Interval, segments: OffsetSegment[], t: number): number {
  const span = spanAt(segments, t);
  const off = span.offset;
  const local = t + off;
  switch (interval.kind) {
    case 'fixed': {
      // A bucket that began before the last DST transition began in the offset of that time:
      // 3h buckets on a fall-back night, Lord Howe's hours around its 30-minute shift.
      const floor = floorTo(local, interval.ms);
      return floor - off < span.start ? floor - span.previous : floor - off;
    }
    case 'days':
      return floorTo(Math.floor(local / DAY), interval.days) * DAY;
    case 'weeks':
      return (floorTo(Math.floor(local / DAY) - MONDAY_EPOCH_DAY, 7 * interval.weeks) + MONDAY_EPOCH_DAY) * DAY;
    case 'months': {
      const d = new Date(local);
      const monthIndex = floorTo(d.getUTCFullYear() * 12 + d.getUTCMonth(), interval.months);
      return Date.UTC(Math.floor(monthIndex / 12), monthIndex % 12, 1);
    }
  }
}

/** UTC start of a bucket from its key. */
export function bucketStart(interval: Interval, tz: string, key: number): number {
  return interval.kind === 'fixed' ? key : localToUtc(tz, key);
}

function nextKey(interval: Interval, tz: string, segments: OffsetSegment[], key: number): number {
  if (interval.kind === 'fixed') {
    let probe = key + interval.ms;
    let next = bucketKey(interval, segments, probe);
    // A DST shift can land a fixed step back in the same bucket: nudge forward until it leaves.
    while (next <= key) {
      probe += MINUTE;
      next = bucketKey(interval, segments, probe);
    }
    return next;
  }
  // Calendar keys are local wall-clock starts: walk local days until the key changes.
  for (let probe = key + DAY; ; probe += DAY) {
    const next = bucketKey(interval, segments, localToUtc(tz, probe));
    if (next > key) return next;
  }
}

/** Every bucket start (UTC) that [from, to) touches, in order: used to fill empty buckets. */
export function bucketStarts(interval: Interval, tz: string, from: number, to: number): number[] {
  if (to <= from) return [];
  const segments = offsetSegments(tz, from, to);
  const starts: number[] = [];
  const lastKey = bucketKey(interval, segments, to - 1);
  for (let key = bucketKey(interval, segments, from); key <= lastKey; key = nextKey(interval, tz, segments, key)) {
    starts.push(bucketStart(interval, tz, key));
  }
  return starts;
}

/** How far back a comparison looks; "previous_period" is the length of the range. */
export function compareOffset(compare: string, from: number, to: number): number | null {
  switch (compare) {
    case 'previous_period':
      return to - from;
    case '1d':
      return DAY;
    case '1w':
      return 7 * DAY;
    case '1y':
      return 364 * DAY;
    default:
      return null;
  }
}
