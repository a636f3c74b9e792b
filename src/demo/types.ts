/**
 * Demo events exactly as the ingest envelope of DESIGN.md "Event ingest" spells them: flat,
 * `ts` in epoch ms, money in whole KRW with its currency, and on each type only its own fields.
 */

export interface DemoEventBase {
  /** Assigned when the event leaves the generator, in emission order. */
  event_id: string;
  ts: number;
  visitor_id: string;
  session_id?: string;
  user_id?: string;
  channel?: string;
  device?: string;
  platform?: string;
  region?: string;
  page_type?: string;
  category?: string;
  product_id?: string;
}

export interface PageViewEvent extends DemoEventBase {
  type: 'page_view';
  url: string;
  referrer?: string;
  tti_ms: number;
  load_ms: number;
}

export interface ImpressionEvent extends DemoEventBase {
  type: 'impression';
  product_id: string;
  position: number;
}

export interface ProductViewEvent extends DemoEventBase {
  type: 'product_view';
  product_id: string;
}

export interface AddToCartEvent extends DemoEventBase {
  type: 'add_to_cart';
  quantity: number;
  amount: number;
  currency: string;
}

export interface SearchEvent extends DemoEventBase {
  type: 'search';
  query: string;
  results: number;
}

export interface OrderEvent extends DemoEventBase {
  type: 'order';
  order_id: string;
  amount: number;
  currency: string;
}

export interface PaymentEvent extends DemoEventBase {
  type: 'payment';
  order_id: string;
  status: 'succeeded' | 'failed';
  method: string;
  amount: number;
  currency: string;
  /** Only on failed payments. */
  failure_reason?: string;
}

export interface RefundEvent extends DemoEventBase {
  type: 'refund';
  order_id: string;
  amount: number;
  currency: string;
}

export interface SignupEvent extends DemoEventBase {
  type: 'signup';
}

export interface WithdrawalEvent extends DemoEventBase {
  type: 'withdrawal';
}

export interface ProductListedEvent extends DemoEventBase {
  type: 'product_listed';
  product_id: string;
  seller_id: string;
}

export type DemoEvent =
  | PageViewEvent
  | ImpressionEvent
  | ProductViewEvent
  | AddToCartEvent
  | SearchEvent
  | OrderEvent
  | PaymentEvent
  | RefundEvent
  | SignupEvent
  | WithdrawalEvent
  | ProductListedEvent;

export type DemoEventType = DemoEvent['type'];

export const CURRENCY = 'KRW';
