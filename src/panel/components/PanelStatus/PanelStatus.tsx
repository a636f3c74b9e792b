import { cx } from '@emotion/css';

import { useStyles2 } from '@grafana/ui';

import { selectors } from '../../selectors';
import { getStyles } from './PanelStatus.styles';

interface Props {
  status: 'nodata' | 'unsupported' | 'error';
  message: string;
}

/** "No data", why the query failed, or what the panel expects when the frames have a shape it cannot draw. */
export function PanelStatus({ status, message }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div role="status" className={cx(styles.container, status === 'unsupported' && styles.unsupported, status === 'error' && styles.error)} data-testid={selectors.status} data-status={status}>
      {message}
    </div>
  );
}
