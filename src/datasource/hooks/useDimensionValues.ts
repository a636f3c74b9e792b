import type { TimeRange } from '@grafana/data';
import { useEffect, useState } from 'react';
import type { ShopmonDataSource } from '../datasource';

/** Typing waits this long before asking the service again. */
const SEARCH_DELAY_MS = 250;
const SUGGESTED_VALUES = 100;

/**
 * Values of a dimension over the panel's time range, most frequent first, narrowed by what the
 * user types. Failures leave the list empty: any value can still be typed.
 */
export function useDimensionValues(datasource: ShopmonDataSource, dimension: string | undefined, search: string, range?: TimeRange): { values: string[]; loading: boolean } {
  const [state, setState] = useState<{ values: string[]; loading: boolean }>({ values: [], loading: false });
  const from = range?.from.valueOf();
  const to = range?.to.valueOf();
  useEffect(() => {
    if (!dimension || dimension.startsWith('$')) {
      setState({ values: [], loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      datasource.getDimensionValues(dimension, { from, to, q: search, limit: SUGGESTED_VALUES }).then(
        (values) => live && setState({ values: values.map((v) => v.value), loading: false }),
        () => live && setState({ values: [], loading: false }),
      );
    }, search ? SEARCH_DELAY_MS : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [datasource, dimension, search, from, to]);
  return state;
}
