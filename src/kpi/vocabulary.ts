/**
 * The fixed words of the query model, with no dependencies, so the browser bundles can import
 * them without pulling in the ingest validator.
 */

export const EVENT_TYPES = [
  'page_view',
  'impression',
  'product_view',
  'add_to_cart',
  'search',
  'order',
  'payment',
  'refund',
  'signup',
  'withdrawal',
  'product_listed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Dimensions every event may carry; they are queryable and read as "" when absent. */
export const COMMON_DIMENSIONS = ['channel', 'device', 'platform', 'region', 'page_type', 'category', 'product_id'] as const;

export const FILTER_OPS = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'regex', 'not_regex'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
export const COMPARES = ['none', 'previous_period', '1d', '1w', '1y'] as const;
export type Compare = (typeof COMPARES)[number];
export const FORMATS = ['timeseries', 'total', 'table'] as const;
export type Format = (typeof FORMATS)[number];

/** Funnel steps: `visit` is a page_view, `payment_succeeded` a payment with status succeeded. */
export const FUNNEL_STEPS: readonly string[] = ['visit', 'payment_succeeded', ...EVENT_TYPES];
export const DEFAULT_FUNNEL = ['visit', 'product_view', 'add_to_cart', 'order', 'payment_succeeded'];
