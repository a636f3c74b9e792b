/** Every user-facing string of the panel, so wording changes in one place. */
export const labels = {
  noData: 'No data',
  queryFailed: 'The query failed',
  noValue: '—',
  scorecards: {
    unsupported: (found: string) =>
      `Scorecards need at least one number field: a time series, a table with a name column and a number column, or a row of numbers. Found: ${found}.`,
    vs: (comparison: string) => `vs ${comparison}`,
    target: 'Target',
    ofTarget: 'of target',
    better: 'better',
    worse: 'worse',
    unchanged: 'unchanged',
  },
  funnel: {
    unsupported: (found: string) =>
      `The funnel needs its steps as a table with a text column (step) and a number column (visitors), one number field per step, or one series per step. Found: ${found}.`,
    missingValueField: (wanted: string, found: string[]) => `No number field "${wanted}" in the funnel frame; number fields: ${found.join(', ')}.`,
    negative: (step: string, value: string) => `Funnel steps cannot be negative: step "${step}" is ${value}.`,
    listLabel: 'Conversion funnel',
    value: 'Value',
    fromFirst: 'of first step',
    fromPrevious: 'of previous step',
    dropOff: 'drop-off',
    comparison: 'Comparison',
  },
  comparisonName: {
    previous_period: 'previous period',
  } as Record<string, string>,
  options: {
    mode: 'Mode',
    modes: { scorecards: 'Scorecards', funnel: 'Funnel' },
    reduceCalc: 'Calculation',
    reduceCalcDescription: 'How a series becomes one value (also used for funnel steps given as series).',
    detection: 'Detect comparison',
    detectionDescription: 'How a comparison series (previous period, 1d ago...) is paired with its series.',
    detections: { label: 'By label', suffix: 'By name suffix' },
    suffix: 'Comparison suffixes',
    suffixDescription: 'Name endings that mark a comparison series, separated by |',
    targetSource: 'Target from',
    targetSources: { field: 'Field config "Target"', fixed: 'Fixed value' },
    targetValue: 'Target value',
    colorMode: 'Colour',
    colorModes: { value: 'Value', background: 'Background', none: 'None' },
    showSparkline: 'Sparkline',
    minCardWidth: 'Min card width',
    orientation: 'Orientation',
    orientations: { auto: 'Auto', horizontal: 'Horizontal', vertical: 'Vertical' },
    funnelOrientation: 'Funnel orientation',
    showFromFirst: 'Show % of first step',
    showFromPrevious: 'Show % of previous step',
    showDropOff: 'Show drop-off',
    valueField: 'Step value field',
    valueFieldDescription: 'Number field of a table frame that holds the step values; empty: the first number field.',
    higherIsBetter: 'Higher is better',
    higherIsBetterDescription: 'Off for metrics where a drop is good (failure rate, refunds, latency): the delta colour flips.',
    fieldTarget: 'Target',
    fieldTargetDescription: 'Target value of this KPI (use overrides to set one per KPI).',
    categories: { panel: 'KPI panel', scorecards: 'Scorecards', funnel: 'Funnel', kpi: 'KPI' },
  },
};

/** "1d" -> "1d ago", "previous_period" -> "previous period"; a suffix such as " (1d ago)" -> "1d ago". */
export function comparisonName(raw: string): string {
  const trimmed = raw.trim().replace(/^\((.*)\)$/, '$1').trim();
  if (labels.comparisonName[trimmed]) return labels.comparisonName[trimmed]!;
  if (/^\d+[smhdwMy]$/.test(trimmed)) return `${trimmed} ago`;
  return trimmed.replace(/_/g, ' ');
}
