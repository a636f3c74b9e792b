/** The KPI service's answers as DESIGN.md "Query API" defines them: the wire contract the plugin reads. */

export type Point = [number, number | null];

export interface Series {
  labels: Record<string, string>;
  points?: Point[];
  total: number | null;
}

/** POST /v1/query */
export interface QueryAnswer {
  interval: string;
  unit?: string;
  /** For a single-metric query: the catalog's direction, so a drop can be coloured. */
  higher_is_better?: boolean;
  series: Series[];
  /** Comparison series, already shifted onto the current range. */
  compare?: { offset_ms: number; series: Series[] };
}

export interface FunnelStep {
  step: string;
  visitors: number;
  from_previous: number | null;
  from_first: number | null;
}

/** POST /v1/funnel: `steps` when ungrouped, `groups` when grouped. */
export interface FunnelAnswer {
  steps?: FunnelStep[];
  groups?: Array<{ labels: Record<string, string>; steps: FunnelStep[] }>;
}

/** GET /v1/catalog */
export interface CatalogAnswer {
  metrics: Array<{ name: string; title: string; unit: string; kind: string; dimensions: string[]; higher_is_better?: boolean | null }>;
  dimensions: Array<{ name: string; title: string }>;
}

/** The service's error body. */
export interface ErrorAnswer {
  error?: { code?: string; message?: string; field?: string };
}
