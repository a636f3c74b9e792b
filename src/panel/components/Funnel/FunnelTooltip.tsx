import { useStyles2 } from '@grafana/ui';

import { formatPercent } from '../../hooks/format';
import { FunnelStepModel } from '../../hooks/viewModel.types';
import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { getStyles } from './Funnel.styles';

interface Props {
  step: FunnelStepModel;
  index: number;
  comparisonName?: string;
}

/** Counts and percentages of one step; always complete, whatever the panel shows inline. */
export function FunnelTooltip({ step, index, comparisonName }: Props) {
  const styles = useStyles2(getStyles);
  const rows: Array<[string, string]> = [[labels.funnel.value, step.valueText]];
  if (index > 0) {
    rows.push([labels.funnel.fromPrevious, formatPercent(step.fromPrevious)]);
    rows.push([labels.funnel.dropOff, `${step.dropOffText} (${formatPercent(step.dropOffPercent)})`]);
  }
  rows.push([labels.funnel.fromFirst, formatPercent(step.fromFirst)]);
  if (step.comparison) {
    rows.push([comparisonName ?? labels.funnel.comparison, step.comparison.valueText]);
    rows.push([`${comparisonName ?? labels.funnel.comparison}, ${labels.funnel.fromFirst}`, formatPercent(step.comparison.fromFirst)]);
  }
  return (
    <div className={styles.tooltip} data-testid={selectors.funnel.tooltip}>
      <span className={styles.tooltipTitle}>{step.name}</span>
      {rows.map(([label, text]) => [
        <span key={`${label}-l`}>{label}</span>,
        <span key={`${label}-v`} className={styles.number}>
          {text}
        </span>,
      ])}
    </div>
  );
}
