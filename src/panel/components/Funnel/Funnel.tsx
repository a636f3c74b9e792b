import { cx } from '@emotion/css';

import { useStyles2 } from '@grafana/ui';

import { FunnelModel } from '../../hooks/viewModel.types';
import { FunnelOptions } from '../../types';
import { getStyles } from './Funnel.styles';
import { FunnelChart } from './FunnelChart';

interface Props {
  funnels: FunnelModel[];
  options: FunnelOptions;
  width: number;
  height: number;
}

const GAP = 16;

/** One funnel, or one per group of a grouped table: side by side for horizontal bars, stacked for vertical ones. */
export function Funnel({ funnels, options, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const n = Math.max(1, funnels.length);
  const stacked = options.orientation === 'vertical';
  const each = stacked
    ? { width, height: (height - GAP * (n - 1)) / n }
    : { width: (width - GAP * (n - 1)) / n, height };
  return (
    <div className={cx(styles.groups, stacked && styles.groupsStacked)} style={{ gap: GAP }}>
      {funnels.map((funnel) => (
        <FunnelChart key={funnel.key} funnel={funnel} options={options} width={Math.floor(each.width)} height={Math.floor(each.height)} />
      ))}
    </div>
  );
}
