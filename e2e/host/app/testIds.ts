/**
 * Test ids of the harness page. Where Grafana has one for the same thing, it is Grafana's own
 * (@grafana/e2e-selectors 12.4), so a spec reads like one written against a real Grafana.
 */
export const harnessIds = {
  saveAndTest: 'data-testid Data source settings page Save and Test button',
  testingStatus: 'data-testid Data source settings page Alert',
  selectOption: 'data-testid Select option',
  panelStatusError: 'data-testid Panel status error',
  queryError: 'harness-query-error',
  queryResult: 'harness-query-result',
  queryResultFrame: 'harness-query-result-frame',
  page: 'harness-page',
} as const;
