import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { isCurrency } from './currencies';
import { parseTimestamp } from './timestamp';
import { EVENT_TYPES, type EventType } from './vocabulary';

export { parseTimestamp };

/**
 * The ingest envelope of DESIGN.md "Event ingest": one TypeBox schema per event type is the
 * single source of the TypeScript types and of the validation rules.
 */

export { EVENT_TYPES, COMMON_DIMENSIONS, type EventType } from './vocabulary';

export const LIMITS = {
  id: 128,
  dimension: 128,
  url: 2048,
  query: 256,
  props: 4096,
  futureMs: 5 * 60_000,
} as const;

const id = (extra: object = {}) => Type.String({ minLength: 1, maxLength: LIMITS.id, ...extra });
const dim = () => Type.Optional(Type.String({ maxLength: LIMITS.dimension }));
const money = () => Type.Number({ minimum: 0 });
const currency = () => Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' }));

const envelope = {
  event_id: id(),
  ts: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Integer()])),
  visitor_id: id(),
  session_id: Type.Optional(id()),
  user_id: Type.Optional(id()),
  channel: dim(),
  device: dim(),
  platform: dim(),
  region: dim(),
  page_type: dim(),
  category: dim(),
  product_id: dim(),
  props: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

const ownFields = {
  page_view: {
    url: Type.Optional(Type.String({ maxLength: LIMITS.url })),
    referrer: Type.Optional(Type.String({ maxLength: LIMITS.url })),
    tti_ms: Type.Optional(Type.Number({ minimum: 0, maximum: 600_000 })),
    load_ms: Type.Optional(Type.Number({ minimum: 0, maximum: 600_000 })),
  },
  impression: { product_id: id(), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })) },
  product_view: { product_id: id() },
  add_to_cart: {
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    amount: Type.Optional(money()),
    currency: currency(),
  },
  search: { query: Type.Optional(Type.String({ maxLength: LIMITS.query })), results: Type.Integer({ minimum: 0 }) },
  order: { order_id: id(), amount: money(), currency: currency() },
  payment: {
    order_id: id(),
    status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    method: Type.Optional(Type.String({ maxLength: LIMITS.dimension })),
    amount: Type.Optional(money()),
    currency: currency(),
    failure_reason: Type.Optional(Type.String({ maxLength: LIMITS.dimension })),
  },
  refund: { order_id: id(), amount: money(), currency: currency() },
  signup: {},
  withdrawal: {},
  product_listed: { product_id: id(), seller_id: Type.Optional(Type.String({ maxLength: LIMITS.id })) },
} satisfies Record<EventType, TProperties>;

function eventSchema<T extends EventType, P extends TProperties>(type: T, own: P) {
  return Type.Object({ ...envelope, type: Type.Literal(type), ...own }, { additionalProperties: false });
}

const schemas = {
  page_view: eventSchema('page_view', ownFields.page_view),
  impression: eventSchema('impression', ownFields.impression),
  product_view: eventSchema('product_view', ownFields.product_view),
  add_to_cart: eventSchema('add_to_cart', ownFields.add_to_cart),
  search: eventSchema('search', ownFields.search),
  order: eventSchema('order', ownFields.order),
  payment: eventSchema('payment', ownFields.payment),
  refund: eventSchema('refund', ownFields.refund),
  signup: eventSchema('signup', ownFields.signup),
  withdrawal: eventSchema('withdrawal', ownFields.withdrawal),
  product_listed: eventSchema('product_listed', ownFields.product_listed),
};

export type IncomingEvent = { [K in EventType]: Static<(typeof schemas)[K]> }[EventType];

const checkers = Object.fromEntries(
  Object.entries(schemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TObject)]),
) as Record<EventType, TypeCheck<TObject>>;

const ownerOf = new Map<string, EventType[]>();
for (const type of EVENT_TYPES) {
  for (const field of Object.keys(ownFields[type])) ownerOf.set(field, [...(ownerOf.get(field) ?? []), type]);
}

/** The event as the store keeps it: typed, defaults applied, money in the reporting currency. */
export interface NormalizedEvent {
  event_id: string;
  type: EventType;
  ts: number;
  visitor_id: string;
  session_id: string | null;
  user_id: string | null;
  channel: string;
  device: string;
  platform: string;
  region: string;
  page_type: string;
  category: string;
  product_id: string;
  url: string | null;
  referrer: string | null;
  tti_ms: number | null;
  load_ms: number | null;
  position: number | null;
  quantity: number | null;
  amount: number | null;
  currency: string | null;
  query: string | null;
  results: number | null;
  order_id: string | null;
  status: string | null;
  method: string;
  failure_reason: string;
  seller_id: string;
  props: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface ValidationContext {
  /** Receive time, epoch ms: the default `ts` and the reference for the future/retention checks. */
  now: number;
  retentionDays: number;
  /** Reporting currency and the rate of every accepted currency into it. */
  currency: string;
  rates: ReadonlyMap<string, number>;
}

export type ValidationResult = { ok: true; event: NormalizedEvent } | { ok: false; errors: FieldError[] };

function schemaErrors(type: EventType, raw: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of checkers[type].Errors(raw)) {
    const field = error.path.replace(/^\//, '').split('/')[0] ?? '';
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push(describeSchemaError(type, field, error.value, error.message, error.schema as Record<string, unknown>));
  }
  return errors;
}

function describeSchemaError(
  type: EventType,
  field: string,
  value: unknown,
  message: string,
  schema: Record<string, unknown>,
): FieldError {
  if (field === '') return { field: '', message: 'an event must be a JSON object' };
  if (schema.not !== undefined || message.includes('Unexpected property')) {
    const owners = ownerOf.get(field);
    return {
      field,
      message: owners
        ? `is not a field of ${type} (it belongs to ${owners.join(', ')})`
        : 'is not a known field; put free-form extras in props',
    };
  }
  if (value === undefined) return { field, message: `is required for ${type}` };
  if (typeof value === 'string' && (schema.type === 'number' || schema.type === 'integer')) {
    return { field, message: `must be a number, not a string (got "${value.slice(0, 40)}")` };
  }
  if (typeof schema.maxLength === 'number' && typeof value === 'string' && value.length > schema.maxLength) {
    return { field, message: `is ${value.length} characters long; the limit is ${schema.maxLength}` };
  }
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) {
    return { field, message: schema.minimum === 0 ? 'must not be negative' : `must be at least ${schema.minimum}` };
  }
  if (field === 'ts') return { field, message: 'must be an RFC 3339 string or an integer of epoch milliseconds' };
  if (field === 'status') return { field, message: 'must be "succeeded" or "failed"' };
  if (field === 'currency') return { field, message: 'must be a three-letter ISO 4217 code such as KRW' };
  if (schema.type === 'integer') return { field, message: 'must be an integer' };
  return { field, message: message.replace(/^Expected/, 'must be') };
}

function checkTime(ts: number, ctx: ValidationContext): FieldError | null {
  if (ts > ctx.now + LIMITS.futureMs) return { field: 'ts', message: 'is more than 5 minutes in the future' };
  if (ts < ctx.now - ctx.retentionDays * 86_400_000) {
    return { field: 'ts', message: `is older than the retention of ${ctx.retentionDays} days` };
  }
  return null;
}

function convertMoney(
  amount: number | undefined,
  code: string | undefined,
  ctx: ValidationContext,
): { amount: number | null; currency: string | null } | FieldError {
  const currencyCode = code ?? ctx.currency;
  if (!isCurrency(currencyCode)) return { field: 'currency', message: `"${currencyCode}" is not an ISO 4217 currency` };
  const rate = ctx.rates.get(currencyCode);
  if (rate === undefined) {
    return {
      field: 'currency',
      message: `${currencyCode} has no exchange rate into ${ctx.currency}; set SHOPMON_CURRENCY_RATES or send ${ctx.currency}`,
    };
  }
  return { amount: amount === undefined ? null : amount * rate, currency: amount === undefined ? null : currencyCode };
}

function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** Validates one incoming event; every error names its field. */
export function validateEvent(raw: unknown, ctx: ValidationContext): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '', message: 'an event must be a JSON object' }] };
  }
  const type = (raw as { type?: unknown }).type;
  if (!isEventType(type)) {
    const message =
      type === undefined ? 'is required' : `must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(type)})`;
    return { ok: false, errors: [{ field: 'type', message }] };
  }
  if (!checkers[type].Check(raw)) return { ok: false, errors: schemaErrors(type, raw) };
  return normalize(raw as IncomingEvent & Record<string, unknown>, ctx);
}

function normalize(e: IncomingEvent & Record<string, unknown>, ctx: ValidationContext): ValidationResult {
  const errors: FieldError[] = [];
  let ts = ctx.now;
  if (e.ts !== undefined) {
    const parsed = parseTimestamp(e.ts);
    if (typeof parsed === 'number') ts = parsed;
    else errors.push(parsed);
  }
  const timeError = checkTime(ts, ctx);
  if (timeError && errors.length === 0) errors.push(timeError);
  const money = convertMoney(e.amount as number | undefined, e.currency as string | undefined, ctx);
  if ('field' in money) errors.push(money);
  let props: string | null = null;
  if (e.props !== undefined) {
    props = JSON.stringify(e.props);
    if (props.length > LIMITS.props) {
      errors.push({ field: 'props', message: `is ${props.length} bytes as JSON; the limit is ${LIMITS.props}` });
    }
  }
  if (errors.length > 0 || 'field' in money) return { ok: false, errors };
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    ok: true,
    event: {
      event_id: e.event_id,
      type: e.type,
      ts,
      visitor_id: e.visitor_id,
      session_id: e.session_id ?? null,
      user_id: e.user_id ?? null,
      channel: e.channel ?? '',
      device: e.device ?? '',
      platform: e.platform ?? '',
      region: e.region ?? '',
      page_type: e.page_type ?? '',
      category: e.category ?? '',
      product_id: e.product_id ?? '',
      url: str(e.url),
      referrer: str(e.referrer),
      tti_ms: num(e.tti_ms),
      load_ms: num(e.load_ms),
      position: num(e.position),
      quantity: num(e.quantity),
      amount: money.amount,
      currency: money.currency,
      query: str(e.query),
      results: num(e.results),
      order_id: str(e.order_id),
      status: str(e.status),
      method: str(e.method) ?? '',
      failure_reason: str(e.failure_reason) ?? '',
      seller_id: str(e.seller_id) ?? '',
      props,
    },
  };
}
