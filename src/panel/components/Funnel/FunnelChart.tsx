import { cx } from '@emotion/css';

import { useStyles2 } from '@grafana/ui';

import { FunnelModel } from '../../hooks/viewModel.types';
import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { FunnelOptions } from '../../types';
import { getStyles } from './Funnel.styles';
import { FunnelStep } from './FunnelStep';
import { funnelLayout } from './layout';

interface Props {
  funnel: FunnelModel;
  options: FunnelOptions;
  width: number;
  height: number;
}

const TITLE_HEIGHT = 22;

/** One conversion funnel: bars scaled from the step values, the comparison period as dashed ghost bars. */
export function FunnelChart({ funnel, options, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const { steps, comparisonName, title } = funnel;
  const hasComparison = steps.some((s) => s.comparison !== null);
  const layout = funnelLayout(steps.length, width, height - (title ? TITLE_HEIGHT : 0), options, hasComparison);
  const vertical = options.orientation === 'vertical';
  return (
    <div className={styles.container} style={{ width, height }} data-testid={selectors.funnel.container}>
      {title && (
        <div className={styles.title} style={{ height: TITLE_HEIGHT }} title={title}>
          {title}
        </div>
      )}
      {layout.legendHeight > 0 && (
        <div className={styles.legend} style={{ height: layout.legendHeight }}>
          <span className={styles.legendSwatch} aria-hidden="true" />
          {comparisonName ?? labels.funnel.comparison}
        </div>
      )}
      <div role="list" aria-label={title ? `${labels.funnel.listLabel}: ${title}` : labels.funnel.listLabel} className={cx(styles.list, vertical ? styles.listVertical : styles.listHorizontal)}>
        {steps.map((step, index) => (
          <FunnelStep
            key={step.key}
            step={step}
            index={index}
            options={options}
            layout={layout}
            comparisonName={comparisonName}
          />
        ))}
      </div>
    </div>
  );
}
