import { COMMON_DIMENSIONS, type EventType } from './vocabulary';

/**
 * The metric catalog of DESIGN.md "Metrics". Each metric is either a base aggregate the store
 * computes over events, or a formula over base aggregates computed after the store answers
 * (so a ratio's total is the ratio of totals, never a mean of bucket ratios).
 */

export type Area = 'traffic' | 'search' | 'orders' | 'payments' | 'members' | 'catalog' | 'web performance';
export type MetricKind = 'count' | 'sum' | 'distinct' | 'ratio' | 'difference' | 'percentile';

/** Conditions on the event row that select what a base aggregate counts. */
export interface RowCondition {
  type?: EventType;
  status?: 'succeeded' | 'failed';
  zeroResults?: boolean;
  /** The first order event of its order_id (the store keeps this flag current at ingest). */
  firstOrder?: boolean;
}

export type Aggregate =
  | { op: 'count'; where: RowCondition }
  | { op: 'sum'; column: 'amount'; where: RowCondition }
  | { op: 'distinct'; column: 'visitor' | 'session'; where: RowCondition }
  | { op: 'quantile'; column: 'tti_ms' | 'load_ms'; q: number; where: RowCondition };

export type Formula =
  | { op: 'base'; aggregate: Aggregate }
  | { op: 'ratio'; numerator: string; denominator: string; scale: number }
  | { op: 'difference'; left: string; right: string };

export interface MetricDefinition {
  name: string;
  title: string;
  description: string;
  unit: string;
  kind: MetricKind;
  area: Area;
  dimensions: string[];
  higher_is_better: boolean;
  formula: Formula;
}

export interface DimensionDefinition {
  name: string;
  title: string;
}

export const DIMENSIONS: DimensionDefinition[] = [
  { name: 'channel', title: 'Channel' },
  { name: 'device', title: 'Device' },
  { name: 'platform', title: 'Platform' },
  { name: 'region', title: 'Region' },
  { name: 'page_type', title: 'Page type' },
  { name: 'category', title: 'Category' },
  { name: 'product_id', title: 'Product' },
  { name: 'method', title: 'Payment method' },
  { name: 'status', title: 'Payment status' },
  { name: 'failure_reason', title: 'Payment failure reason' },
  { name: 'query', title: 'Search query' },
  { name: 'seller_id', title: 'Seller' },
];

export const DIMENSION_NAMES: ReadonlySet<string> = new Set(DIMENSIONS.map((d) => d.name));

const common: string[] = [...COMMON_DIMENSIONS];
const paymentDims = [...common, 'method', 'status', 'failure_reason'];
const searchDims = [...common, 'query'];

const count = (type: EventType, extra: RowCondition = {}): Formula => ({
  op: 'base',
  aggregate: { op: 'count', where: { type, ...extra } },
});

interface Spec extends Omit<MetricDefinition, 'dimensions' | 'unit'> {
  dimensions?: string[];
  unit?: string;
}

function specs(currencyUnit: string): Spec[] {
  return [
    { name: 'page_views', title: 'Page views', description: 'Number of page_view events.', kind: 'count', area: 'traffic', higher_is_better: true, formula: count('page_view') },
    { name: 'visitors', title: 'Unique visitors', description: 'Distinct visitor_id over any event (per bucket for series, over the whole range for totals).', kind: 'distinct', area: 'traffic', higher_is_better: true, formula: { op: 'base', aggregate: { op: 'distinct', column: 'visitor', where: {} } } },
    { name: 'sessions', title: 'Sessions', description: 'Distinct session_id; events without one do not count.', kind: 'distinct', area: 'traffic', higher_is_better: true, formula: { op: 'base', aggregate: { op: 'distinct', column: 'session', where: {} } } },
    { name: 'impressions', title: 'Impressions', description: 'Number of impression events (a product shown in a list).', kind: 'count', area: 'catalog', higher_is_better: true, formula: count('impression') },
    { name: 'product_views', title: 'Product views', description: 'Number of product_view events.', kind: 'count', area: 'catalog', higher_is_better: true, formula: count('product_view') },
    { name: 'add_to_carts', title: 'Add to carts', description: 'Number of add_to_cart events.', kind: 'count', area: 'orders', higher_is_better: true, formula: count('add_to_cart') },
    { name: 'ctr', title: 'Click-through rate', description: 'product_views / impressions, in percent.', kind: 'ratio', area: 'catalog', higher_is_better: true, unit: 'percent', formula: { op: 'ratio', numerator: 'product_views', denominator: 'impressions', scale: 100 } },
    { name: 'searches', title: 'Searches', description: 'Number of search events.', kind: 'count', area: 'search', higher_is_better: true, dimensions: searchDims, formula: count('search') },
    { name: 'zero_result_searches', title: 'Zero-result searches', description: 'Number of search events with results = 0.', kind: 'count', area: 'search', higher_is_better: false, dimensions: searchDims, formula: count('search', { zeroResults: true }) },
    { name: 'zero_result_rate', title: 'Zero-result rate', description: 'zero_result_searches / searches, in percent.', kind: 'ratio', area: 'search', higher_is_better: false, unit: 'percent', dimensions: searchDims, formula: { op: 'ratio', numerator: 'zero_result_searches', denominator: 'searches', scale: 100 } },
    { name: 'orders', title: 'Orders', description: 'Distinct order_id of order events (an order_id counts once, at its first order event).', kind: 'count', area: 'orders', higher_is_better: true, formula: count('order', { firstOrder: true }) },
    { name: 'gmv', title: 'GMV', description: 'Sum of amount over orders (an order_id counts once, its first order event), in the reporting currency.', kind: 'sum', area: 'orders', higher_is_better: true, unit: currencyUnit, formula: { op: 'base', aggregate: { op: 'sum', column: 'amount', where: { type: 'order', firstOrder: true } } } },
    { name: 'aov', title: 'Average order value', description: 'gmv / orders.', kind: 'ratio', area: 'orders', higher_is_better: true, unit: currencyUnit, formula: { op: 'ratio', numerator: 'gmv', denominator: 'orders', scale: 1 } },
    { name: 'payments', title: 'Payment attempts', description: 'Number of payment events.', kind: 'count', area: 'payments', higher_is_better: true, dimensions: paymentDims, formula: count('payment') },
    { name: 'payments_failed', title: 'Failed payments', description: 'Number of payment events with status failed.', kind: 'count', area: 'payments', higher_is_better: false, dimensions: paymentDims, formula: count('payment', { status: 'failed' }) },
    { name: 'payment_failure_rate', title: 'Payment failure rate', description: 'payments_failed / payments, in percent.', kind: 'ratio', area: 'payments', higher_is_better: false, unit: 'percent', dimensions: paymentDims, formula: { op: 'ratio', numerator: 'payments_failed', denominator: 'payments', scale: 100 } },
    { name: 'refunds', title: 'Refunds', description: 'Number of refund events.', kind: 'count', area: 'payments', higher_is_better: false, formula: count('refund') },
    { name: 'refund_amount', title: 'Refund amount', description: 'Sum of refund amount, in the reporting currency.', kind: 'sum', area: 'payments', higher_is_better: false, unit: currencyUnit, formula: { op: 'base', aggregate: { op: 'sum', column: 'amount', where: { type: 'refund' } } } },
    { name: 'net_revenue', title: 'Net revenue', description: 'gmv - refund_amount.', kind: 'difference', area: 'orders', higher_is_better: true, unit: currencyUnit, formula: { op: 'difference', left: 'gmv', right: 'refund_amount' } },
    { name: 'conversion_rate', title: 'Conversion rate', description: 'Visitors with an order / visitors, in percent.', kind: 'ratio', area: 'orders', higher_is_better: true, unit: 'percent', formula: { op: 'ratio', numerator: '__ordering_visitors', denominator: 'visitors', scale: 100 } },
    { name: 'signups', title: 'Sign-ups', description: 'Number of signup events.', kind: 'count', area: 'members', higher_is_better: true, formula: count('signup') },
    { name: 'withdrawals', title: 'Withdrawals', description: 'Number of withdrawal events (members leaving).', kind: 'count', area: 'members', higher_is_better: false, formula: count('withdrawal') },
    { name: 'net_signups', title: 'Net sign-ups', description: 'signups - withdrawals.', kind: 'difference', area: 'members', higher_is_better: true, formula: { op: 'difference', left: 'signups', right: 'withdrawals' } },
    { name: 'products_listed', title: 'Products listed', description: 'Number of product_listed events.', kind: 'count', area: 'catalog', higher_is_better: true, dimensions: [...common, 'seller_id'], formula: count('product_listed') },
    { name: 'tti_p75', title: 'Time to interactive p75', description: '75th percentile of page_view tti_ms (linear interpolation between closest ranks).', kind: 'percentile', area: 'web performance', higher_is_better: false, unit: 'ms', formula: { op: 'base', aggregate: { op: 'quantile', column: 'tti_ms', q: 0.75, where: { type: 'page_view' } } } },
    { name: 'tti_p95', title: 'Time to interactive p95', description: '95th percentile of page_view tti_ms (linear interpolation between closest ranks).', kind: 'percentile', area: 'web performance', higher_is_better: false, unit: 'ms', formula: { op: 'base', aggregate: { op: 'quantile', column: 'tti_ms', q: 0.95, where: { type: 'page_view' } } } },
    { name: 'load_p75', title: 'Page load p75', description: '75th percentile of page_view load_ms (linear interpolation between closest ranks).', kind: 'percentile', area: 'web performance', higher_is_better: false, unit: 'ms', formula: { op: 'base', aggregate: { op: 'quantile', column: 'load_ms', q: 0.75, where: { type: 'page_view' } } } },
  ];
}

/** Hidden helper metric: visitors who placed an order (the numerator of conversion_rate). */
const orderingVisitors: MetricDefinition = {
  name: '__ordering_visitors',
  title: 'Ordering visitors',
  description: 'Distinct visitor_id of order events.',
  unit: 'short',
  kind: 'distinct',
  area: 'orders',
  dimensions: common,
  higher_is_better: true,
  formula: { op: 'base', aggregate: { op: 'distinct', column: 'visitor', where: { type: 'order' } } },
};

/** Grafana unit id for a reporting currency ("currencyKRW"). */
export function currencyUnit(currency: string): string {
  return `currency${currency}`;
}

export interface Catalog {
  metrics: MetricDefinition[];
  byName: ReadonlyMap<string, MetricDefinition>;
  dimensions: DimensionDefinition[];
}

export function buildCatalog(currency = 'KRW'): Catalog {
  const metrics: MetricDefinition[] = specs(currencyUnit(currency)).map((s) => ({
    ...s,
    unit: s.unit ?? 'short',
    dimensions: s.dimensions ?? common,
  }));
  const byName = new Map<string, MetricDefinition>(metrics.map((m) => [m.name, m]));
  byName.set(orderingVisitors.name, orderingVisitors);
  return { metrics, byName, dimensions: DIMENSIONS };
}

/** The catalog as GET /v1/catalog answers it. */
export function publicCatalog(catalog: Catalog) {
  return {
    metrics: catalog.metrics.map(({ name, title, description, unit, kind, area, dimensions, higher_is_better }) => ({
      name,
      title,
      description,
      unit,
      kind,
      area,
      dimensions,
      higher_is_better,
    })),
    dimensions: catalog.dimensions,
  };
}
