/** Timestamps as the API accepts them: RFC 3339 with a zone, or integer epoch milliseconds. */

export interface TimestampError {
  field: string;
  message: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(value: string | number, field = 'ts'): number | TimestampError {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : { field, message: 'must be an integer of epoch milliseconds' };
  }
  if (!RFC3339.test(value)) {
    return { field, message: 'must be RFC 3339 with a time zone (2026-11-25T09:30:00Z) or epoch milliseconds' };
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? { field, message: `"${value}" is not a valid date and time` } : ms;
}
