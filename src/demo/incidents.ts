import { DAY, HOUR, MINUTE, seoulMidnight } from './seasonality';

/** The scripted incidents a demo run contains, so dashboards and alert rules have something to find. */

export type IncidentName = 'payment_outage' | 'search_index_failure' | 'traffic_spike';

export interface Incident {
  name: IncidentName;
  start: number;
  end: number;
  description: string;
}

export interface IncidentRange {
  days: number;
  /** Epoch ms, exclusive end of the data. */
  end: number;
  incidents?: boolean;
}

interface IncidentPlan {
  name: IncidentName;
  /** Where in the range the incident falls, as a fraction of the days. */
  at: number;
  /** Seoul local time of day it starts, when the range is long enough to pick a day. */
  localStart: number;
  duration: number;
  description: string;
}

export const PAYMENT_OUTAGE_CARD_FAILURE = 0.7;
export const SEARCH_FAILURE_ZERO_RESULTS = 0.9;
/** Visits from social during the spike, relative to usual. */
export const SPIKE_SOCIAL_FACTOR = 3;

const PLANS: readonly IncidentPlan[] = [
  {
    name: 'search_index_failure',
    at: 0.38,
    localStart: 14 * HOUR,
    duration: HOUR,
    description: `Search index failure: about ${SEARCH_FAILURE_ZERO_RESULTS * 100}% of searches return no results`,
  },
  {
    name: 'payment_outage',
    at: 0.62,
    localStart: 20 * HOUR + 10 * MINUTE,
    duration: HOUR,
    description:
      `Card payment gateway outage: about ${PAYMENT_OUTAGE_CARD_FAILURE * 100}% of card payments fail ` +
      'with gateway_timeout',
  },
  {
    name: 'traffic_spike',
    at: 0.8,
    localStart: 12 * HOUR,
    duration: 2 * HOUR,
    description:
      `Traffic spike: a viral social post brings ${SPIKE_SOCIAL_FACTOR}x the usual social visits, ` +
      'which mostly leave without buying',
  },
];

/** Minimum days for incidents to sit at a fixed Seoul time of day instead of a fraction of the range. */
const DAYS_FOR_LOCAL_PLACEMENT = 3;

/** The incidents of a run, inside [end - days, end); none when `incidents` is false. */
export function incidentsFor(opts: IncidentRange): Incident[] {
  if (opts.incidents === false) return [];
  const end = opts.end;
  const start = end - opts.days * DAY;
  return PLANS.map((plan) => {
    const duration = Math.min(plan.duration, end - start);
    let from = Number.NaN;
    if (opts.days >= DAYS_FOR_LOCAL_PLACEMENT) {
      from = seoulMidnight(start + Math.floor(opts.days * plan.at) * DAY) + plan.localStart;
    }
    if (!(from >= start && from + duration <= end)) {
      from = Math.floor((start + (end - start) * plan.at) / MINUTE) * MINUTE;
      from = Math.max(start, Math.min(from, end - duration));
    }
    return { name: plan.name, start: from, end: from + duration, description: plan.description };
  });
}

/** [start, end) of the named incident, or an empty window. */
export function windowOf(incidents: readonly Incident[], name: IncidentName): { start: number; end: number } {
  const incident = incidents.find((i) => i.name === name);
  return incident ? { start: incident.start, end: incident.end } : { start: 0, end: 0 };
}
