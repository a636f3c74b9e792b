import { cx } from '@emotion/css';

import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { CardModel, DeltaModel, TargetModel } from '../../hooks/viewModel.types';
import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { ColorMode } from '../../types';
import { Sparkline } from '../Sparkline';
import { CardShell } from './CardShell';
import { cardLayout, SPARKLINE_GAP } from './layout';
import { getStyles, sentimentBackground, sentimentColor } from './Scorecards.styles';

interface Props {
  card: CardModel;
  width: number;
  height: number;
  colorMode: ColorMode;
  showSparkline: boolean;
}

const ARROWS = { up: '▲', down: '▼', flat: '■' } as const;

function cardColors(theme: GrafanaTheme2, card: CardModel, colorMode: ColorMode) {
  if (colorMode === 'background' && card.color) {
    const text = theme.colors.getContrastText(card.color);
    return { background: card.color, text, value: text, accent: text };
  }
  const accent = card.color ?? theme.colors.primary.text;
  return { background: undefined, text: theme.colors.text.primary, value: colorMode === 'value' && card.color ? card.color : undefined, accent };
}

export function Scorecard({ card, width, height, colorMode, showSparkline }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const layout = cardLayout(width, height, {
    valueText: card.valueText,
    hasDelta: card.delta !== null,
    hasSparkline: showSparkline && card.sparkline !== null,
    hasTarget: card.target !== null,
  });
  const colors = cardColors(theme, card, colorMode);
  const onBackground = colors.background !== undefined;
  const { prefix, text, suffix } = card.formatted;
  const delta = layout.showDelta && card.delta ? <Delta delta={card.delta} size={layout.deltaSize} onBackground={onBackground} /> : null;
  return (
    <CardShell
      links={card.links}
      ariaLabel={card.ariaLabel}
      style={{ padding: layout.padding, background: colors.background, color: colors.text, height }}
    >
      <div className={styles.title} style={{ fontSize: layout.titleSize }} data-testid={selectors.scorecards.title} title={card.title}>
        {card.title}
      </div>
      <div className={styles.valueArea}>
        <span className={styles.value} style={{ fontSize: layout.valueSize, color: colors.value }} data-testid={selectors.scorecards.value}>
          {prefix && <span className={styles.unit}>{prefix}</span>}
          {text}
          {suffix && <span className={styles.unit}>{suffix}</span>}
        </span>
        {delta && layout.inlineDelta && delta}
      </div>
      {delta && !layout.inlineDelta && delta}
      {layout.showSparkline && card.sparkline && (
        <div className={styles.sparkline} style={{ marginTop: SPARKLINE_GAP }}>
          <Sparkline model={card.sparkline} width={width - 2 * layout.padding - 2} height={layout.sparklineHeight} color={colors.accent} />
        </div>
      )}
      {layout.showTarget && card.target && <Target target={card.target} />}
    </CardShell>
  );
}

function Delta({ delta, size, onBackground }: { delta: DeltaModel; size: number; onBackground: boolean }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const style = onBackground
    ? { background: sentimentBackground(theme, delta.sentiment), color: theme.colors.getContrastText(sentimentBackground(theme, delta.sentiment)) }
    : { color: sentimentColor(theme, delta.sentiment) };
  return (
    <div className={styles.delta} style={{ fontSize: size }} data-testid={selectors.scorecards.delta} data-sentiment={delta.sentiment}>
      <span className={cx(styles.deltaMain, onBackground && styles.chip)} style={style}>
        <span aria-hidden="true">{ARROWS[delta.direction]} </span>
        {delta.absoluteText} ({delta.percentText})
      </span>
      <span className={styles.muted} title={`${delta.comparisonName}: ${delta.previousText}`}>
        {labels.scorecards.vs(delta.comparisonName)}
      </span>
    </div>
  );
}

function Target({ target }: { target: TargetModel }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const filled = target.met ? 100 : Math.min(100, Math.max(0, target.attainment ?? 0));
  return (
    <div className={styles.target} data-testid={selectors.scorecards.target}>
      <div
        className={styles.track}
        role="progressbar"
        aria-label={labels.scorecards.target}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(filled)}
        aria-valuetext={`${target.attainmentText} ${labels.scorecards.ofTarget} ${target.text}`}
      >
        <div
          className={styles.fill}
          data-testid={selectors.scorecards.targetBar}
          style={{ width: `${filled}%`, background: target.met ? theme.colors.success.main : theme.colors.warning.main }}
        />
      </div>
      <span className={styles.muted}>
        {target.attainmentText} {labels.scorecards.ofTarget} {target.text}
      </span>
    </div>
  );
}
