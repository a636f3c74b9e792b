import { css } from '@emotion/css';

import { GrafanaTheme2 } from '@grafana/data';

import { Sentiment } from '../../hooks/viewModel.types';
import { GAP } from './layout';

export const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gap: GAP,
    width: '100%',
    height: '100%',
    alignContent: 'start',
  }),
  scroll: css({ overflowY: 'auto' }),
  item: css({ minWidth: 0, display: 'flex' }),
  card: css({
    display: 'flex',
    flexDirection: 'column',
    flex: 1,
    minWidth: 0,
    overflow: 'hidden',
    borderRadius: theme.shape.radius.default,
    border: `1px solid ${theme.colors.border.weak}`,
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
    textDecoration: 'none',
    '&:hover': { textDecoration: 'none' },
  }),
  interactive: css({
    cursor: 'pointer',
    '&:hover': { borderColor: theme.colors.border.strong, boxShadow: theme.shadows.z1 },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: 1 },
  }),
  title: css({
    color: 'inherit',
    opacity: 0.85,
    fontWeight: theme.typography.fontWeightMedium,
    lineHeight: 1.3,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  valueArea: css({ flex: 1, display: 'flex', alignItems: 'center', gap: theme.spacing(1), minHeight: 0, overflow: 'hidden' }),
  sparkline: css({ flexShrink: 0 }),
  value: css({
    fontWeight: theme.typography.fontWeightMedium,
    lineHeight: 1.2,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    flexShrink: 1,
    minWidth: 0,
  }),
  unit: css({ fontSize: '0.6em', opacity: 0.8 }),
  // "vs 1d ago" moves under the change when the card is too narrow for both on one line, rather
  // than being cut to "vs 1…".
  delta: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    columnGap: theme.spacing(0.5),
    lineHeight: 1.5,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    minWidth: 0,
    flexShrink: 0,
  }),
  deltaMain: css({ flexShrink: 0 }),
  chip: css({ borderRadius: theme.shape.radius.default, padding: theme.spacing(0, 0.5), flexShrink: 0 }),
  muted: css({ color: 'inherit', opacity: 0.7, overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0 }),
  target: css({ display: 'flex', flexDirection: 'column', gap: 2, marginTop: 4, flexShrink: 0, fontSize: theme.typography.bodySmall.fontSize, lineHeight: '18px' }),
  track: css({ height: 6, borderRadius: 3, background: theme.colors.action.hover, overflow: 'hidden' }),
  fill: css({ height: '100%', borderRadius: 3 }),
});

export function sentimentColor(theme: GrafanaTheme2, sentiment: Sentiment): string {
  if (sentiment === 'good') return theme.colors.success.text;
  if (sentiment === 'bad') return theme.colors.error.text;
  return theme.colors.text.secondary;
}

export function sentimentBackground(theme: GrafanaTheme2, sentiment: Sentiment): string {
  if (sentiment === 'good') return theme.colors.success.main;
  if (sentiment === 'bad') return theme.colors.error.main;
  return theme.colors.secondary.main;
}
