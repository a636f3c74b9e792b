import { SparklineSeries } from '../../hooks/viewModel.types';

export interface SparklinePaths {
  line: string;
  area: string;
}

const INSET = 2;

/** Each series spans the full width over its own time range, so an unshifted comparison still lines up. */
function xScale(series: SparklineSeries, width: number): (i: number) => number {
  const n = series.values.length;
  const times = series.times;
  if (times && times.length === n && n > 1) {
    const t0 = times[0]!;
    const span = times[n - 1]! - t0;
    if (span > 0) return (i) => ((times[i]! - t0) / span) * width;
  }
  return (i) => (n > 1 ? (i / (n - 1)) * width : width / 2);
}

export function valueRange(series: SparklineSeries[]): [number, number] {
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 0];
}

/** SVG paths of a series; nulls break the line (gaps stay visible). */
export function sparklinePaths(series: SparklineSeries, width: number, height: number, [min, max]: [number, number]): SparklinePaths {
  const x = xScale(series, width);
  const usable = height - 2 * INSET;
  const y = (v: number) => (max === min ? height / 2 : INSET + usable - ((v - min) / (max - min)) * usable);
  const segments: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  series.values.forEach((v, i) => {
    if (v === null) {
      if (current.length) segments.push(current);
      current = [];
    } else {
      current.push([x(i), y(v)]);
    }
  });
  if (current.length) segments.push(current);
  const fmt = (n: number) => Number(n.toFixed(2));
  const line = segments.map((seg) => seg.map(([px, py], i) => `${i ? 'L' : 'M'}${fmt(px)},${fmt(py)}`).join('')).join('');
  const area = segments
    .filter((seg) => seg.length > 1)
    .map((seg) => `M${fmt(seg[0]![0])},${height}` + seg.map(([px, py]) => `L${fmt(px)},${fmt(py)}`).join('') + `L${fmt(seg[seg.length - 1]![0])},${height}Z`)
    .join('');
  return { line, area };
}
