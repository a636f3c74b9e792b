/** Test ids shared by unit tests and e2e specs; change them here only. */
export const selectors = {
  configEditor: {
    url: 'shopmon-config-url',
    queryKey: 'shopmon-config-query-key',
    timezone: 'shopmon-config-timezone',
    timeout: 'shopmon-config-timeout',
  },
  queryEditor: {
    root: 'shopmon-query-editor',
    kind: 'shopmon-query-kind',
    mode: 'shopmon-editor-mode',
    modeMessage: 'shopmon-editor-mode-message',
    catalogError: 'shopmon-catalog-error',
    builder: {
      metric: 'shopmon-metric-select',
      metricInfo: 'shopmon-metric-info',
      filters: 'shopmon-filters',
      filterRow: 'shopmon-filter-row',
      filterDimension: 'shopmon-filter-dimension',
      filterOp: 'shopmon-filter-op',
      filterValues: 'shopmon-filter-values',
      addFilter: 'shopmon-filter-add',
      removeFilter: 'shopmon-filter-remove',
      groupBy: 'shopmon-group-by',
      funnelSteps: 'shopmon-funnel-steps',
      funnelWindow: 'shopmon-funnel-window',
    },
    options: {
      interval: 'shopmon-interval',
      compare: 'shopmon-compare',
      format: 'shopmon-format',
      alias: 'shopmon-alias',
      limit: 'shopmon-limit',
      other: 'shopmon-other',
      timezone: 'shopmon-query-timezone',
    },
    code: {
      textarea: 'shopmon-code-textarea',
      error: 'shopmon-code-error',
      valid: 'shopmon-code-valid',
      suggestions: 'shopmon-code-suggestions',
      suggestion: 'shopmon-code-suggestion',
    },
  },
  annotationEditor: {
    tags: 'shopmon-annotation-tags',
  },
} as const;
