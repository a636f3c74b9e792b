import { Labels } from '@grafana/data';

import { comparisonName } from '../labels';
import { COMPARE_LABEL, ComparisonOptions } from '../types';

/** What pairing needs to know about a series or a frame. */
export interface Comparable {
  name: string;
  labels: Labels;
  refId?: string;
  fieldName?: string;
}

export interface Paired<T> {
  base: T;
  comparison?: T;
  /** "1d ago", "previous period": what the comparison is. */
  comparisonName?: string;
}

interface Marker {
  /** Label mode: the labels without `compare`; suffix mode: the name without the suffix. */
  baseKey: string;
  name: string;
}

export function parseSuffixes(text: string): string[] {
  return text
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .filter((k) => k !== COMPARE_LABEL)
      .sort()
      .map((k) => [k, labels[k]])
  );
}

/** Whether `item` is a comparison series, and what its base must look like. */
export function comparisonMarker(item: Comparable, options: ComparisonOptions): Marker | null {
  if (options.detection === 'label') {
    const value = item.labels[COMPARE_LABEL];
    return value ? { baseKey: labelsKey(item.labels), name: comparisonName(value) } : null;
  }
  const name = item.name.trimEnd();
  for (const suffix of parseSuffixes(options.suffix)) {
    if (name.length > suffix.length && name.endsWith(suffix)) {
      return { baseKey: name.slice(0, -suffix.length).trimEnd(), name: comparisonName(suffix) };
    }
  }
  return null;
}

function baseKey(item: Comparable, options: ComparisonOptions): string {
  return options.detection === 'label' ? labelsKey(item.labels) : item.name.trim();
}

/** Among bases that match, prefer the same field name, then the same query, then a name the comparison starts with. */
function score(base: Comparable, comparison: Comparable): number {
  let s = 0;
  if (base.fieldName !== undefined && base.fieldName === comparison.fieldName) s += 4;
  if (base.refId !== undefined && base.refId === comparison.refId) s += 2;
  if (comparison.name.startsWith(base.name)) s += 1;
  return s;
}

/**
 * Pairs every comparison series with the series it compares to. Items that are not
 * comparisons come back in their order; a comparison that finds no free base is kept as a
 * series of its own so nothing in the data silently disappears.
 */
export function pairComparisons<T extends Comparable>(items: T[], options: ComparisonOptions): Array<Paired<T>> {
  const markers = items.map((item) => comparisonMarker(item, options));
  const pairs = new Map<number, Paired<T>>();
  items.forEach((item, i) => {
    if (!markers[i]) pairs.set(i, { base: item });
  });
  items.forEach((item, i) => {
    const marker = markers[i];
    if (!marker) return;
    let best: { index: number; score: number } | undefined;
    for (const [index, pair] of pairs) {
      if (pair.comparison || markers[index] || baseKey(pair.base, options) !== marker.baseKey) continue;
      const s = score(pair.base, item);
      if (!best || s > best.score) best = { index, score: s };
    }
    if (best) pairs.set(best.index, { base: pairs.get(best.index)!.base, comparison: item, comparisonName: marker.name });
    else pairs.set(i, { base: item });
  });
  return [...pairs.entries()].sort((a, b) => a[0] - b[0]).map(([, pair]) => pair);
}
