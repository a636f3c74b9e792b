import { useStyles2 } from '@grafana/ui';

import { SparklineModel } from '../../hooks/viewModel.types';
import { selectors } from '../../selectors';
import { getStyles } from './Sparkline.styles';
import { sparklinePaths, valueRange } from './sparklinePath';

interface Props {
  model: SparklineModel;
  width: number;
  height: number;
  color: string;
}

/** A small SVG sparkline: the series as line and area, its comparison as a dashed line. */
export function Sparkline({ model, width, height, color }: Props) {
  const styles = useStyles2(getStyles);
  const range = valueRange(model.comparison ? [model, model.comparison] : [model]);
  const main = sparklinePaths(model, width, height, range);
  const comparison = model.comparison ? sparklinePaths(model.comparison, width, height, range) : undefined;
  return (
    <svg width={width} height={height} className={styles.svg} aria-hidden="true" data-testid={selectors.scorecards.sparkline}>
      <path d={main.area} fill={color} fillOpacity={0.15} stroke="none" />
      {comparison && <path d={comparison.line} className={styles.comparison} fill="none" />}
      <path d={main.line} stroke={color} strokeWidth={1.5} fill="none" />
    </svg>
  );
}
