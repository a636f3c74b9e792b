import type { ShopmonQuery } from '../../kpi/datasourceQuery';
import type { Filter } from '../../kpi/query';
import { escapeString, scanStrings } from './expressionText';

/**
 * Template variable replacement for every field of a saved query. Variables are resolved one
 * reference at a time and escaped here, after Grafana formatted them, so no value (and no explicit
 * `${var:format}`) can break out of an expression string or change the expression's structure.
 */

/** A resolved variable reference: its values, and whether the variable allows several. */
export interface ResolvedRef {
  values: string[];
  multi: boolean;
}

/** Resolves one reference such as `$channel`, `${channel}` or `[[channel]]`. */
export type RefResolver = (ref: string) => ResolvedRef;

/** Grafana's variable syntax: $name, [[name:format]], ${name.field:format}. */
export const VARIABLE_REF = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

type Piece = { literal: string } | { ref: string };

function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE_REF)) {
    if (m.index > last) out.push({ literal: text.slice(last, m.index) });
    out.push({ ref: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ literal: text.slice(last) });
  return out;
}

export function hasVariables(text: string): boolean {
  return pieces(text).some((p) => 'ref' in p);
}

interface VariableModel {
  multi?: boolean;
  includeAll?: boolean;
}

/**
 * Builds a resolver from Grafana's `replace(target, format)`. The format function sees the raw
 * value (an array for a multi-value selection); a reference Grafana does not know, or one with its
 * own `:format`, comes back as plain text.
 */
export function resolverFrom(replace: (target: string, format: (value: unknown, variable?: VariableModel) => string) => string): RefResolver {
  return (ref) => {
    let captured: ResolvedRef | undefined;
    const text = replace(ref, (value, variable) => {
      const values = Array.isArray(value) ? value.map((v) => String(v)) : [value == null ? '' : String(value)];
      captured = { values, multi: Array.isArray(value) || Boolean(variable?.multi || variable?.includeAll) };
      return values.join(',');
    });
    return captured ?? { values: [text], multi: false };
  };
}

export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Values as one regular expression that matches any of them literally. */
export function alternation(values: string[]): string {
  return values.length === 1 ? escapeRegex(values[0]!) : `(${values.map(escapeRegex).join('|')})`;
}

/** Plain text: a multi-value selection is joined with commas. */
export function interpolateText(text: string, resolve: RefResolver): string {
  return pieces(text)
    .map((p) => ('ref' in p ? resolve(p.ref).values.join(',') : p.literal))
    .join('');
}

/** A list of values: a value that is exactly one multi-value variable becomes its values. */
export function interpolateList(values: string[], resolve: RefResolver): string[] {
  return values.flatMap((value) => {
    const parts = pieces(value);
    const only = parts.length === 1 ? parts[0]! : undefined;
    return only && 'ref' in only ? resolve(only.ref).values : [interpolateText(value, resolve)];
  });
}

/**
 * A regular expression: a multi-value variable becomes an alternation of its escaped values
 * (as Grafana's Prometheus datasource does); a single-value variable is used as written, so a
 * text box can hold a pattern.
 */
export function interpolateRegex(text: string, resolve: RefResolver): string {
  return pieces(text)
    .map((p) => {
      if ('literal' in p) return p.literal;
      const r = resolve(p.ref);
      return r.multi ? alternation(r.values) : r.values.join(',');
    })
    .join('');
}

export function interpolateFilter(filter: Filter, resolve: RefResolver): Filter {
  const regex = filter.op === 'regex' || filter.op === 'not_regex';
  const values = regex ? filter.values.map((v) => interpolateRegex(v, resolve)) : [...new Set(interpolateList(filter.values, resolve))];
  return { ...filter, dimension: interpolateText(filter.dimension, resolve), values };
}

/**
 * `$__interval_ms` gives bare milliseconds and `$__interval` may give "500ms": the service wants
 * 1s or more. Where Grafana has no interval to give (no panel), the service's auto does the same job.
 */
export function interpolateInterval(interval: string, resolve: RefResolver): string {
  if (!hasVariables(interval)) return interval;
  const text = interpolateText(interval, resolve).trim();
  if (/\$\{?__interval(_ms)?\}?/.test(text)) return 'auto';
  const ms = /^(\d+)(?:ms)?$/.exec(text);
  if (ms) return `${Math.max(1, Math.round(Number(ms[1]) / 1000))}s`;
  return text === '' ? 'auto' : text;
}

const IDENT_OR_NUMBER = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?)$/;

/** Outside strings a value may only be a name or a number; anything else becomes a string, which fails to parse with a message that shows it. */
function codeValue(r: ResolvedRef): string {
  if (r.values.length > 0 && r.values.every((v) => IDENT_OR_NUMBER.test(v))) return r.values.join(', ');
  return `"${escapeString(r.values.join(','))}"`;
}

function decodeLiteral(source: string): string {
  const escapes: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t' };
  return source.replace(/\\(.)/g, (whole, c: string) => escapes[c] ?? whole);
}

type MatchContext = 'equal' | 'regex' | 'none';

/** The string's content, and whether its `=` / `!=` must become `=~` / `!~` to hold several values. */
function stringContent(body: string, context: MatchContext, resolve: RefResolver): { content: string; toRegex: boolean } {
  const parts = pieces(body).map((p) => ('ref' in p ? resolve(p.ref) : decodeLiteral(p.literal)));
  if (context === 'regex') {
    return { content: parts.map((p) => (typeof p === 'string' ? p : p.multi ? alternation(p.values) : p.values.join(','))).join(''), toRegex: false };
  }
  const toRegex = context === 'equal' && parts.some((p) => typeof p !== 'string' && p.values.length > 1);
  if (toRegex) return { content: parts.map((p) => (typeof p === 'string' ? escapeRegex(p) : alternation(p.values))).join(''), toRegex };
  return { content: parts.map((p) => (typeof p === 'string' ? p : p.values.join(','))).join(''), toRegex };
}

/**
 * Replaces variables in a KPI expression. Inside a string the value is escaped for the string
 * (and, after =~ / !~, a multi-value selection becomes an escaped alternation; after = / != with
 * several values the matcher becomes =~ / !~ with that alternation). Outside strings only names
 * and numbers are allowed.
 */
export function interpolateExpression(expr: string, resolve: RefResolver): string {
  const out: string[] = [];
  for (const seg of scanStrings(expr)) {
    if (seg.kind === 'code') {
      out.push(pieces(seg.text).map((p) => ('ref' in p ? codeValue(resolve(p.ref)) : p.literal)).join(''));
      continue;
    }
    if (!hasVariables(seg.body)) {
      out.push(seg.source);
      continue;
    }
    const before = out[out.length - 1] ?? '';
    const op = /(=~|!~|!=|=)\s*$/.exec(before)?.[1];
    const context: MatchContext = op === '=~' || op === '!~' ? 'regex' : op ? 'equal' : 'none';
    const { content, toRegex } = stringContent(seg.body, context, resolve);
    if (toRegex) out[out.length - 1] = before.replace(/(!=|=)(\s*)$/, (_m, o: string, ws: string) => `${o === '=' ? '=~' : '!~'}${ws}`);
    out.push(`${seg.quote}${escapeString(content)}${seg.terminated ? seg.quote : ''}`);
  }
  return out.join('');
}

/** Every field of a query with variables replaced, ready for the backend. */
export function interpolateQuery<T extends ShopmonQuery>(query: T, resolve: RefResolver): T {
  const text = (v: string | undefined) => (v === undefined ? v : interpolateText(v, resolve));
  const out: T = { ...query };
  if (query.metric !== undefined) out.metric = text(query.metric);
  if (query.expr !== undefined) out.expr = interpolateExpression(query.expr, resolve);
  // A filter row still being edited (no dimension or no values yet) means nothing: leave it out.
  if (query.filters) out.filters = query.filters.filter((f) => f.dimension && f.values.length > 0).map((f) => interpolateFilter(f, resolve));
  if (query.groupBy) out.groupBy = [...new Set(interpolateList(query.groupBy, resolve))].filter((g) => g !== '');
  if (query.interval !== undefined) out.interval = interpolateInterval(query.interval, resolve);
  if (query.alias !== undefined) out.alias = text(query.alias);
  if (query.timezone !== undefined) out.timezone = text(query.timezone)?.trim();
  if (query.funnelSteps) out.funnelSteps = interpolateList(query.funnelSteps, resolve).filter((s) => s !== '');
  if (query.funnelWindow !== undefined) out.funnelWindow = text(query.funnelWindow)?.trim();
  return out;
}
