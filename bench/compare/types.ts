import type { Interval } from '../../src/kpi/time';
import type { BenchQuery } from '../overview';

/** The common shapes of the comparison: ranges, answers and engines. */

export const TIMEZONE = 'Asia/Seoul';
export const MAX_POINTS = 1000;

/** One dashboard time range: [from, to) and the bucket size Grafana's 1000 max points give. */
export interface RangeCtx {
  name: string;
  from: number;
  to: number;
  interval: Interval;
  tz: string;
}

export type Point = [number, number | null];

export interface Series {
  labels: Record<string, string>;
  points?: Point[];
  total: number | null;
}

/** An answer normalised across engines (a funnel is one series per step, labelled by step). */
export interface Answer {
  interval?: string;
  series: Series[];
  compare?: Series[];
}

/** A row as the SQL engines return it: group label, bucket start (ms, null = whole range), values. */
export interface SqlRow {
  g: string;
  b: number | null;
  v: Array<number | null>;
}

export interface Timed {
  /** Wall time of the request as the client sees it (send to last byte), ms. */
  ms: number;
  /** The normalised answer (built on demand: not part of the timing). */
  answer: () => Answer;
}

export interface LoadInfo {
  /** Wall time of the load (null when it was not measured by this benchmark). */
  loadMs: number | null;
  loadNote: string;
  /** Size of the event data as the engine reports it (table + indexes / parts / database file). */
  bytes: number;
  /** du of the whole data directory (includes WAL, catalogs, logs). */
  dirBytes: number;
  sizeNote: string;
  /** Rows in the engine's events table. */
  rows: number;
}

export interface Engine {
  readonly name: string;
  /** How this engine was set up and timed, for the report. */
  readonly method: string[];
  /** Starts the engine, loading the data set if no cached load exists. */
  start(): Promise<LoadInfo>;
  run(q: BenchQuery, range: RangeCtx): Promise<Timed>;
  /** Server processes outside the benchmark's own process tree (for the CPU accounting). */
  pids?(): number[];
  /** Queries only this engine has (e.g. an approximate or differently defined variant). */
  extras?(): ExtraQuery[];
  stop(): Promise<void>;
}

/** An engine-specific variant of a dashboard query, timed and reported on its own line. */
export interface ExtraQuery {
  name: string;
  /** The dashboard query whose answer this one should match (compared, differences reported). */
  like: string;
  note: string;
  run(range: RangeCtx): Promise<Timed>;
}
