import { PAYMENT_OUTAGE_CARD_FAILURE } from './incidents';
import { Random, WeightedTable } from './random';

/** Korean payment methods, how often each is chosen and how each one fails. */

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'kakaopay', 'naverpay', 'phone'] as const;

const WEB_METHODS = new WeightedTable<number>([
  [0, 0.45],
  [1, 0.12],
  [2, 0.2],
  [3, 0.18],
  [4, 0.05],
]);
const APP_METHODS = new WeightedTable<number>([
  [0, 0.36],
  [1, 0.06],
  [2, 0.3],
  [3, 0.21],
  [4, 0.07],
]);

/** Failure probability per attempt in normal operation, by method. */
const FAILURE_RATE = [0.06, 0.035, 0.03, 0.04, 0.09];

const FAILURE_REASONS: ReadonlyArray<WeightedTable<string>> = [
  WeightedTable.fromRecord({ card_declined: 40, insufficient_funds: 30, invalid_card: 12, '3ds_failed': 14, gateway_timeout: 4 }),
  WeightedTable.fromRecord({ deposit_expired: 55, bank_maintenance: 20, account_mismatch: 25 }),
  WeightedTable.fromRecord({ user_cancelled: 55, auth_failed: 30, limit_exceeded: 15 }),
  WeightedTable.fromRecord({ user_cancelled: 50, auth_failed: 30, insufficient_points: 20 }),
  WeightedTable.fromRecord({ carrier_declined: 45, limit_exceeded: 35, auth_failed: 20 }),
];

export const GATEWAY_TIMEOUT = 'gateway_timeout';

export function chooseMethod(rng: Random, app: boolean): number {
  return (app ? APP_METHODS : WEB_METHODS).pick(rng);
}

/**
 * The failure reason of one payment attempt, or null when it succeeds. During a card gateway
 * outage most card attempts time out.
 */
export function paymentFailure(rng: Random, method: number, cardOutage: boolean): string | null {
  if (cardOutage && method === 0 && rng.chance(PAYMENT_OUTAGE_CARD_FAILURE)) return GATEWAY_TIMEOUT;
  if (!rng.chance(FAILURE_RATE[method]!)) return null;
  return FAILURE_REASONS[method]!.pick(rng);
}
