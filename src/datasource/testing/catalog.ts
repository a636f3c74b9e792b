import { buildCatalog, publicCatalog } from '../../kpi/catalog';
import type { CatalogResponse } from '../types';

/** The catalog exactly as GET /v1/catalog answers it (what the backend's `catalog` resource proxies). */
export const catalogFixture: CatalogResponse = publicCatalog(buildCatalog()) as CatalogResponse;
