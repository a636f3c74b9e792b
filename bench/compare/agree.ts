import type { Answer, Series } from './types';

/**
 * Do the engines give the same numbers? Every answer (each series' total and every point, and
 * the previous-period series) is compared with the reference engine's.
 */

export interface Difference {
  range: string;
  query: string;
  engine: string;
  reference: string;
  /** Where: "total", "point 2026-10-31T14:00Z", "series missing" ... with the series labels. */
  where: string;
  mine: number | null | string;
  theirs: number | null | string;
}

export interface PairSummary {
  engine: string;
  reference: string;
  compared: number;
  different: number;
}

export function same(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

const labelText = (s: Series) => (Object.keys(s.labels).length ? JSON.stringify(s.labels) : '');
const iso = (t: number) => new Date(t).toISOString().replace(':00.000Z', 'Z');

/** Compares two answers; returns how many values were compared and the differences. */
export function compareAnswers(
  ctx: { range: string; query: string; engine: string; reference: string },
  mine: Answer,
  theirs: Answer,
): { compared: number; differences: Difference[] } {
  const differences: Difference[] = [];
  let compared = 0;
  const diff = (where: string, a: number | null | string, b: number | null | string) => differences.push({ ...ctx, where, mine: a, theirs: b });
  const compareList = (prefix: string, a: Series[], b: Series[]) => {
    const other = new Map(b.map((s) => [labelText(s), s]));
    const seen = new Set<string>();
    for (const s of a) {
      const key = labelText(s);
      seen.add(key);
      const t = other.get(key);
      compared++;
      if (!t) {
        diff(`${prefix}${key} series missing in ${ctx.reference}`, s.total, null);
        continue;
      }
      if (!same(s.total, t.total)) diff(`${prefix}${key} total`, s.total, t.total);
      const ap = s.points ?? [];
      const bp = new Map((t.points ?? []).map(([ts, v]) => [ts, v]));
      if (ap.length !== (t.points ?? []).length) diff(`${prefix}${key} point count`, ap.length, (t.points ?? []).length);
      for (const [ts, v] of ap) {
        compared++;
        if (!bp.has(ts)) diff(`${prefix}${key} point ${iso(ts)} missing in ${ctx.reference}`, v, null);
        else if (!same(v, bp.get(ts))) diff(`${prefix}${key} point ${iso(ts)}`, v, bp.get(ts) ?? null);
      }
    }
    for (const t of b) {
      if (seen.has(labelText(t))) continue;
      compared++;
      diff(`${prefix}${labelText(t)} series missing in ${ctx.engine}`, null, t.total);
    }
  };
  compareList('', mine.series, theirs.series);
  if (mine.compare || theirs.compare) compareList('previous period ', mine.compare ?? [], theirs.compare ?? []);
  if (mine.interval && theirs.interval && mine.interval !== theirs.interval) diff('interval', mine.interval, theirs.interval);
  return { compared, differences };
}
