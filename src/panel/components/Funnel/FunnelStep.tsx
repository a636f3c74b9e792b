import { cx } from '@emotion/css';

import { Tooltip, useStyles2, useTheme2 } from '@grafana/ui';

import { formatPercent, MINUS } from '../../hooks/format';
import { FunnelStepModel } from '../../hooks/viewModel.types';
import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { FunnelOptions } from '../../types';
import { FunnelTooltip } from './FunnelTooltip';
import { getStyles } from './Funnel.styles';
import { FunnelLayout, LINE } from './layout';

interface Props {
  step: FunnelStepModel;
  index: number;
  options: FunnelOptions;
  layout: FunnelLayout;
  comparisonName?: string;
}

/** A non-zero step keeps a sliver of bar so it never looks like a missing one. */
const size = (ratio: number, value: number | null) => `${value !== null && value > 0 ? Math.max(ratio * 100, 0.5) : 0}%`;

export function percentParts(step: FunnelStepModel, index: number, options: FunnelOptions): string[] {
  if (index === 0) return [];
  const parts: string[] = [];
  if (options.showFromPrevious) parts.push(`${formatPercent(step.fromPrevious)} ${labels.funnel.fromPrevious}`);
  if (options.showFromFirst) parts.push(`${formatPercent(step.fromFirst)} ${labels.funnel.fromFirst}`);
  return parts;
}

export function dropOffText(step: FunnelStepModel): string {
  return `${MINUS}${step.dropOffText} (${formatPercent(step.dropOffPercent)}) ${labels.funnel.dropOff}`;
}

/** One step: focusable, with a tooltip (hover or keyboard focus) holding every count and percentage. */
export function FunnelStep({ step, index, options, layout, comparisonName }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const vertical = options.orientation === 'vertical';
  const percentages = layout.showPercentages ? percentParts(step, index, options) : [];
  const dropOff = options.showDropOff && layout.showDropOff && index > 0 && step.dropOff !== null ? dropOffText(step) : '';
  const extent = vertical ? 'height' : 'width';
  const across = vertical ? { width: '80%', left: '10%' } : { height: '100%' };
  const bars = (
    <div className={cx(styles.track, vertical && styles.trackVertical)} style={vertical ? undefined : { height: layout.barThickness }}>
      <div
        className={styles.bar}
        data-testid={selectors.funnel.bar}
        style={{ background: step.color ?? theme.colors.primary.main, [extent]: size(step.barRatio, step.value), ...across }}
      />
      {step.comparison && (
        <div className={styles.ghost} data-testid={selectors.funnel.ghostBar} style={{ [extent]: size(step.comparison.barRatio, step.comparison.value), ...across }} />
      )}
    </div>
  );
  const name = (
    <span className={styles.name} title={step.name}>
      {step.name}
    </span>
  );
  const value = (
    <span className={styles.value} data-testid={selectors.funnel.value}>
      {step.valueText}
    </span>
  );
  const dropOffEl = dropOff && (
    <span className={styles.dropOff} data-testid={selectors.funnel.dropOff}>
      {dropOff}
    </span>
  );
  return (
    <Tooltip content={<FunnelTooltip step={step} index={index} comparisonName={comparisonName} />} placement={vertical ? 'top' : 'bottom-start'}>
      <div
        role="listitem"
        aria-label={step.ariaLabel}
        className={cx(styles.step, vertical ? styles.stepVertical : styles.stepHorizontal)}
        data-testid={selectors.funnel.step}
      >
        {vertical ? (
          <>
            <div className={cx(styles.header, styles.headerVertical)} style={{ height: layout.headerLines * LINE }}>
              {value}
              {percentages.map((text) => (
                <span key={text} className={styles.muted} data-testid={selectors.funnel.percentages}>
                  {text}
                </span>
              ))}
              {dropOffEl}
            </div>
            {bars}
            {name}
          </>
        ) : (
          <>
            {dropOffEl}
            <div className={styles.header}>
              {name}
              {value}
              {percentages.length > 0 && (
                <span className={styles.muted} data-testid={selectors.funnel.percentages}>
                  {percentages.join(' · ')}
                </span>
              )}
            </div>
            {bars}
          </>
        )}
      </div>
    </Tooltip>
  );
}
