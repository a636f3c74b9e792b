import { FormattedValue, LinkModel } from '@grafana/data';

/**
 * What a data hook hands to a component: the component only draws. `nodata` and
 * `unsupported` carry the message the panel shows (the latter says what the panel expects).
 */
export type ViewModel<T> = { status: 'nodata'; message: string } | { status: 'unsupported'; message: string } | ({ status: 'ready' } & T);

export type Sentiment = 'good' | 'bad' | 'neutral';
export type Direction = 'up' | 'down' | 'flat';

export interface DeltaModel {
  absolute: number;
  /** Change in percent of the comparison value; null when that is zero or negative. */
  percent: number | null;
  absoluteText: string;
  percentText: string;
  direction: Direction;
  /** good/bad from the direction and the metric's higherIsBetter. */
  sentiment: Sentiment;
  comparisonName: string;
  previousText: string;
}

export interface TargetModel {
  value: number;
  text: string;
  /** Percent of the target reached (inverse for lower-is-better metrics); null when it has no meaning. */
  attainment: number | null;
  attainmentText: string;
  met: boolean | null;
}

export interface SparklineSeries {
  values: Array<number | null>;
  times?: number[];
}

export interface SparklineModel extends SparklineSeries {
  comparison?: SparklineSeries;
}

export interface CardModel {
  key: string;
  title: string;
  value: number | null;
  formatted: FormattedValue;
  valueText: string;
  /** Colour from thresholds / colour scheme; undefined when none is configured. */
  color?: string;
  higherIsBetter: boolean;
  delta: DeltaModel | null;
  target: TargetModel | null;
  sparkline: SparklineModel | null;
  links: LinkModel[];
  ariaLabel: string;
}

export interface ScorecardsData {
  cards: CardModel[];
}

export interface FunnelComparisonModel {
  value: number | null;
  valueText: string;
  barRatio: number;
  fromFirst: number | null;
}

export interface FunnelStepModel {
  key: string;
  name: string;
  value: number | null;
  valueText: string;
  /** Percent of the first step; null when the first step is zero or a value is missing. */
  fromFirst: number | null;
  fromPrevious: number | null;
  /** Visitors lost since the previous step (null for the first step). */
  dropOff: number | null;
  dropOffPercent: number | null;
  dropOffText: string;
  /** Bar length: value / the largest value of the funnel and its comparison (0..1). */
  barRatio: number;
  color?: string;
  comparison: FunnelComparisonModel | null;
  ariaLabel: string;
}

export interface FunnelModel {
  key: string;
  /** Group of a grouped funnel table (e.g. "app"); undefined for a single funnel. */
  title?: string;
  steps: FunnelStepModel[];
  comparisonName?: string;
}

export interface FunnelData {
  funnels: FunnelModel[];
}
