/** The queries of the overview dashboard, as Grafana's panels send them (1000 max points). */
export interface BenchQuery {
  name: string;
  path: '/v1/query' | '/v1/funnel';
  body: Record<string, unknown>;
}

export const OVERVIEW: BenchQuery[] = [
  { name: 'page views', path: '/v1/query', body: { metric: 'page_views' } },
  { name: 'unique visitors', path: '/v1/query', body: { metric: 'visitors' } },
  { name: 'visitors total', path: '/v1/query', body: { metric: 'visitors', format: 'total' } },
  { name: 'orders vs previous period', path: '/v1/query', body: { metric: 'orders', compare: 'previous_period' } },
  { name: 'GMV', path: '/v1/query', body: { metric: 'gmv' } },
  { name: 'AOV', path: '/v1/query', body: { metric: 'aov', format: 'total' } },
  { name: 'conversion rate', path: '/v1/query', body: { metric: 'conversion_rate' } },
  { name: 'payment failure rate', path: '/v1/query', body: { metric: 'payment_failure_rate' } },
  { name: 'zero-result rate', path: '/v1/query', body: { metric: 'zero_result_rate' } },
  { name: 'orders by channel', path: '/v1/query', body: { metric: 'orders', group_by: ['channel'] } },
  { name: 'top categories by GMV', path: '/v1/query', body: { metric: 'gmv', group_by: ['category'], format: 'total', limit: 10 } },
  { name: 'TTI p75', path: '/v1/query', body: { metric: 'tti_p75' } },
  { name: 'funnel', path: '/v1/funnel', body: {} },
];

export const RANGES = [
  { name: '24 h', ms: 86_400_000 },
  { name: '7 d', ms: 7 * 86_400_000 },
  { name: '30 d', ms: 30 * 86_400_000 },
];
