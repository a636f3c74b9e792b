import type { ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';
import { VARIABLE_REF, resolverFrom, type RefResolver } from '../data/interpolation';

/** A dashboard variable as the fake template service knows it. */
export interface FakeVariable {
  value: string | string[];
  multi?: boolean;
  includeAll?: boolean;
}

/**
 * Stands in for Grafana's TemplateSrv: the same reference syntax, a format function called
 * with the raw value and the variable, and explicit `:raw` / `:csv` formats winning over it.
 */
export function fakeTemplateSrv(variables: Record<string, FakeVariable> = {}): TemplateSrv {
  return {
    getVariables: () => Object.keys(variables).map((name) => ({ name, type: 'custom' })) as unknown as ReturnType<TemplateSrv['getVariables']>,
    containsTemplate: (target?: string) => Boolean(target && new RegExp(VARIABLE_REF.source).test(target)),
    updateTimeRange: () => undefined,
    replace(target = '', scopedVars: ScopedVars = {}, format?: string | ((value: unknown, variable: unknown) => string)) {
      return target.replace(VARIABLE_REF, (match, n1?: string, n2?: string, f2?: string, n3?: string, _field?: string, f3?: string) => {
        const name = (n1 ?? n2 ?? n3)!;
        const explicit = f2 ?? f3;
        const scoped = scopedVars[name];
        const v: FakeVariable | undefined = scoped ? { value: String(scoped.value) } : variables[name];
        if (!v) return match;
        const list = Array.isArray(v.value) ? v.value : [v.value];
        if (explicit === 'raw' || explicit === 'csv') return list.join(',');
        if (typeof format === 'function') return format(v.value, { name, multi: v.multi, includeAll: v.includeAll });
        return Array.isArray(v.value) ? `{${list.join(',')}}` : v.value;
      });
    },
  };
}

/** The resolver the datasource builds, over the fake template service. */
export function fakeResolver(variables: Record<string, FakeVariable> = {}, scopedVars: ScopedVars = {}): RefResolver {
  const srv = fakeTemplateSrv(variables);
  return resolverFrom((target, format) => srv.replace(target, scopedVars, format));
}
