import type { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

/**
 * Stands in for Grafana's TemplateSrv (public/app/features/templating/template_srv.ts, not part
 * of the npm packages) for dashboard variables the harness defines: the same reference syntax
 * ($name, ${name}, ${name:format}, [[name]]), scopedVars first, "All" as every option value (or
 * the variable's allValue), a format function called with (value, variable, formatValue), and
 * the built-in formats a datasource can name: regex, pipe, csv, raw, glob (the default for
 * several values), json, text, doublequote, singlequote. $__from, $__to and $__range come from
 * the time range of updateTimeRange.
 */

export interface HarnessVariable {
  name: string;
  /** Options of the variable, e.g. from the datasource's metricFindQuery. */
  options: string[];
  /** Selected values, or "$__all". */
  current: string[] | '$__all';
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

const VARIABLE_REF = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

function formatValue(value: unknown, format: string | undefined): string {
  const list = Array.isArray(value) ? value.map(String) : [String(value ?? '')];
  switch (format) {
    case 'regex':
      return list.length === 1 ? regexEscape(list[0]!) : `(${list.map(regexEscape).join('|')})`;
    case 'pipe':
      return list.join('|');
    case 'csv':
    case 'raw':
    case 'text':
      return list.join(',');
    case 'json':
      return JSON.stringify(Array.isArray(value) ? list : list[0]);
    case 'doublequote':
      return list.map((v) => `"${v}"`).join(',');
    case 'singlequote':
      return list.map((v) => `'${v}'`).join(',');
    case 'glob':
    case undefined:
      return list.length > 1 ? `{${list.join(',')}}` : (list[0] ?? '');
    default:
      throw new Error(`the e2e host's template service does not know the format "${format}"`);
  }
}

type FormatFn = (value: unknown, variable: unknown, fallback: (value: unknown, format?: string) => string) => string;

export class HarnessTemplateSrv implements TemplateSrv {
  private variables: HarnessVariable[] = [];
  private range?: TimeRange;

  setVariables(variables: HarnessVariable[]): void {
    this.variables = variables;
  }

  getVariables(): TypedVariableModel[] {
    return this.variables.map((v) => ({
      name: v.name,
      type: 'query',
      multi: Boolean(v.multi),
      includeAll: Boolean(v.includeAll),
      current: { text: this.valueOf(v), value: v.current },
      options: v.options.map((o) => ({ text: o, value: o, selected: v.current === '$__all' || v.current.includes(o) })),
    })) as unknown as TypedVariableModel[];
  }

  updateTimeRange(timeRange: TimeRange): void {
    this.range = timeRange;
  }

  containsTemplate(target?: string): boolean {
    return Boolean(target && new RegExp(VARIABLE_REF.source).test(target));
  }

  private valueOf(v: HarnessVariable): string | string[] {
    if (v.current === '$__all') return v.allValue ?? v.options;
    return v.multi ? v.current : (v.current[0] ?? '');
  }

  private builtIn(name: string): string | undefined {
    if (!this.range) return undefined;
    const from = this.range.from.valueOf();
    const to = this.range.to.valueOf();
    if (name === '__from') return String(from);
    if (name === '__to') return String(to);
    if (name === '__range') return `${Math.round((to - from) / 1000)}s`;
    return undefined;
  }

  replace(target?: string, scopedVars: ScopedVars = {}, format?: string | FormatFn): string {
    if (!target) return target ?? '';
    return target.replace(VARIABLE_REF, (match, n1?: string, n2?: string, f2?: string, n3?: string, _field?: string, f3?: string) => {
      const name = (n1 ?? n2 ?? n3)!;
      const explicit = f2 ?? f3;
      const scoped = scopedVars[name];
      const variable = this.variables.find((v) => v.name === name);
      let value: unknown;
      if (scoped) value = scoped.value;
      else if (variable) value = this.valueOf(variable);
      else value = this.builtIn(name);
      if (value === undefined) return match;
      if (explicit) return formatValue(value, explicit);
      if (variable?.current === '$__all' && variable.allValue !== undefined) return variable.allValue;
      if (typeof format === 'function') {
        const model = { name, multi: Boolean(variable?.multi), includeAll: Boolean(variable?.includeAll) };
        return format(value, model, formatValue);
      }
      return formatValue(value, format);
    });
  }
}
