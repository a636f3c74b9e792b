/** Test ids shared by unit tests and e2e specs (rendered as data-testid). */
export const selectors = {
  panel: 'shopmon-panel',
  status: 'shopmon-panel-status',
  scorecards: {
    container: 'shopmon-scorecards',
    card: 'shopmon-scorecard',
    title: 'shopmon-scorecard-title',
    value: 'shopmon-scorecard-value',
    delta: 'shopmon-scorecard-delta',
    sparkline: 'shopmon-scorecard-sparkline',
    target: 'shopmon-scorecard-target',
    targetBar: 'shopmon-scorecard-target-bar',
  },
  funnel: {
    container: 'shopmon-funnel',
    step: 'shopmon-funnel-step',
    bar: 'shopmon-funnel-bar',
    ghostBar: 'shopmon-funnel-ghost-bar',
    value: 'shopmon-funnel-value',
    percentages: 'shopmon-funnel-percentages',
    dropOff: 'shopmon-funnel-drop-off',
    tooltip: 'shopmon-funnel-tooltip',
  },
} as const;
