/**
 * The option lists of the query model, from the dependency-free shared vocabulary (importing
 * src/kpi/query.ts values would pull the ingest validator into the browser bundle).
 */
export { COMPARES, FILTER_OPS, FORMATS, FUNNEL_STEPS, DEFAULT_FUNNEL as DEFAULT_FUNNEL_STEPS } from '../../kpi/vocabulary';
