import { css } from '@emotion/css';

import { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    position: 'relative',
    // Sizes are computed for border-box (Grafana's global style); do not depend on the host page for it.
    boxSizing: 'border-box',
    '*, *::before, *::after': { boxSizing: 'inherit' },
    overflow: 'hidden',
    fontFamily: theme.typography.fontFamily,
    color: theme.colors.text.primary,
  }),
});
