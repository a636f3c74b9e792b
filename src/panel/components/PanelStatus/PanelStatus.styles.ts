import { css } from '@emotion/css';

import { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    width: '100%',
    padding: theme.spacing(1),
    textAlign: 'center',
    color: theme.colors.text.secondary,
    overflow: 'auto',
  }),
  unsupported: css({ color: theme.colors.warning.text }),
  error: css({ color: theme.colors.error.text }),
});
