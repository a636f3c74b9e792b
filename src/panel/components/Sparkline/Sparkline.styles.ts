import { css } from '@emotion/css';

import { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', overflow: 'visible' }),
  comparison: css({ stroke: theme.colors.text.secondary, strokeWidth: 1, strokeDasharray: '3 3' }),
});
