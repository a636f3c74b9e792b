import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY_TIMEOUT, PAYMENT_METHODS, paymentFailure } from '../payments';
import { Random } from '../random';
import type { ShopMetrics } from './metrics';

/**
 * The payment gateway the storefront calls (simulated: no money moves). Outcomes follow the
 * generator's per-method failure rates; during the card gateway outage most card payments hang
 * until the shop's gateway timeout, as a real PG does when it is down.
 */

export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type ChargeOutcome = { outcome: 'succeeded' } | { outcome: 'declined'; reason: string } | { outcome: 'timeout'; reason: typeof GATEWAY_TIMEOUT };

/** Median gateway answer time in ms, by method (cards go through 3-D Secure, wallets are quick). */
const MEDIAN_MS: Record<PaymentMethod, number> = { card: 420, bank_transfer: 260, kakaopay: 230, naverpay: 240, phone: 520 };

export function isPaymentMethod(value: unknown): value is PaymentMethod {
  return typeof value === 'string' && (PAYMENT_METHODS as readonly string[]).includes(value);
}

export interface GatewayOptions {
  seed: number;
  timeoutMs: number;
  metrics?: ShopMetrics;
  latencyScale?: number;
}

export class PaymentGateway {
  private readonly rng: Random;

  constructor(private readonly opts: GatewayOptions) {
    this.rng = new Random(opts.seed, 13);
  }

  async charge(method: PaymentMethod, cardOutage: boolean, signal?: AbortSignal): Promise<ChargeOutcome> {
    const scale = this.opts.latencyScale ?? 1;
    const end = this.opts.metrics?.gateway.startTimer({ method });
    const failure = paymentFailure(this.rng, PAYMENT_METHODS.indexOf(method), cardOutage);
    let result: ChargeOutcome;
    if (failure === GATEWAY_TIMEOUT) {
      await sleep(this.opts.timeoutMs * scale, undefined, { signal });
      result = { outcome: 'timeout', reason: GATEWAY_TIMEOUT };
    } else {
      await sleep(Math.min(this.opts.timeoutMs, this.rng.lognormal(MEDIAN_MS[method], 0.45)) * scale, undefined, { signal });
      result = failure === null ? { outcome: 'succeeded' } : { outcome: 'declined', reason: failure };
    }
    end?.({ outcome: result.outcome });
    return result;
  }
}
