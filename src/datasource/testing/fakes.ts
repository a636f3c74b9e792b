import type { DataSourceInstanceSettings } from '@grafana/data';
import { ShopmonDataSource } from '../datasource';
import type { ShopmonOptions } from '../types';
import { catalogFixture } from './catalog';
import { fakeTemplateSrv, type FakeVariable } from './templateSrv';


export function instanceSettings(jsonData: ShopmonOptions = {}): DataSourceInstanceSettings<ShopmonOptions> {
  return {
    id: 1,
    uid: 'shopmon-kpi',
    type: 'shopmon-kpi-datasource',
    name: 'Shopmon KPI',
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: { id: 'shopmon-kpi-datasource', info: { version: 'test' } },
  } as unknown as DataSourceInstanceSettings<ShopmonOptions>;
}

/**
 * A real datasource whose resource calls (its boundary to the backend plugin) are answered by
 * `resources`: path -> answer or function of the params.
 */
export function makeDatasource(
  options: { variables?: Record<string, FakeVariable>; resources?: Record<string, unknown>; post?: Record<string, unknown> } = {},
): { ds: ShopmonDataSource; getResource: jest.SpyInstance; postResource: jest.SpyInstance } {
  const ds = new ShopmonDataSource(instanceSettings(), fakeTemplateSrv(options.variables));
  const resources: Record<string, unknown> = { catalog: catalogFixture, ...options.resources };
  const answer = (table: Record<string, unknown>, path: string, arg: unknown) => {
    if (!(path in table)) return Promise.reject({ status: 404, data: { message: `no fake for ${path}` } });
    const a = table[path];
    return typeof a === 'function' ? Promise.resolve().then(() => (a as (arg: unknown) => unknown)(arg)) : Promise.resolve(a);
  };
  const getResource = jest.spyOn(ds, 'getResource').mockImplementation((path: string, params?: unknown) => answer(resources, path, params));
  const postResource = jest.spyOn(ds, 'postResource').mockImplementation((path: string, data?: unknown) => answer(options.post ?? {}, path, data));
  return { ds, getResource, postResource };
}
