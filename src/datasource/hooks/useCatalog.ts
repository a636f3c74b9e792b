import { useEffect, useState } from 'react';
import { errorMessage, type ShopmonDataSource } from '../datasource';
import type { CatalogResponse } from '../types';

export interface CatalogState {
  catalog?: CatalogResponse;
  error?: string;
}

/** The metric catalog for the editors; the datasource caches it. */
export function useCatalog(datasource: ShopmonDataSource): CatalogState {
  const [state, setState] = useState<CatalogState>({});
  useEffect(() => {
    let live = true;
    datasource.getCatalog().then(
      (catalog) => live && setState({ catalog }),
      (e: unknown) => live && setState({ error: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [datasource]);
  return state;
}
