import { CardOrientation } from '../../types';
import { clamp, fitFontSize } from '../../utils/textFit';

export const GAP = 8;
export const MIN_CARD_HEIGHT = 56;
/** Cards look best about this much wider than tall; the auto grid aims for it. */
const CARD_ASPECT = 1.6;
/** Below these sizes a card keeps only title, value and delta: small panels stay readable. */
export const SPARKLINE_MIN = { width: 140, height: 120 };
export const TARGET_MIN = { width: 140, height: 100 };
const MAX_VALUE_SIZE = 72;
const LINE_HEIGHT = 1.2;

export interface GridLayout {
  columns: number;
  rows: number;
  cardWidth: number;
  cardHeight: number;
  /** The cards do not fit at their minimum height: the grid scrolls vertically. */
  scroll: boolean;
}

export interface GridOptions {
  minCardWidth: number;
  orientation: CardOrientation;
}

function grid(count: number, columns: number, width: number, height: number): GridLayout {
  const rows = Math.ceil(count / columns);
  const rawHeight = (height - GAP * (rows - 1)) / rows;
  return {
    columns,
    rows,
    cardWidth: Math.floor((width - GAP * (columns - 1)) / columns),
    cardHeight: Math.floor(Math.max(MIN_CARD_HEIGHT, rawHeight)),
    scroll: rawHeight < MIN_CARD_HEIGHT,
  };
}

/** How many columns and how large: reflows with the panel size, never below the minimum card width. */
export function gridLayout(count: number, width: number, height: number, { minCardWidth, orientation }: GridOptions): GridLayout {
  const n = Math.max(1, count);
  const maxColumns = clamp(Math.floor((width + GAP) / (Math.max(1, minCardWidth) + GAP)), 1, n);
  if (orientation === 'vertical') return grid(n, 1, width, height);
  if (orientation === 'horizontal') return grid(n, maxColumns, width, height);
  let best = grid(n, 1, width, height);
  let bestScore = -Infinity;
  for (let columns = 1; columns <= maxColumns; columns++) {
    const g = grid(n, columns, width, height);
    const score = Math.min(g.cardWidth / CARD_ASPECT, g.cardHeight) - (g.scroll ? 1000 : 0);
    if (score > bestScore) {
      best = g;
      bestScore = score;
    }
  }
  return best;
}

export interface CardContent {
  valueText: string;
  hasDelta: boolean;
  hasSparkline: boolean;
  hasTarget: boolean;
}

export interface CardLayout {
  padding: number;
  titleSize: number;
  valueSize: number;
  deltaSize: number;
  showDelta: boolean;
  /** Short cards put the delta next to the value instead of under it. */
  inlineDelta: boolean;
  showSparkline: boolean;
  sparklineHeight: number;
  showTarget: boolean;
}

const BORDER = 2;
/** Progress bar, its gap and one line of small text. */
export const TARGET_HEIGHT = 30;
export const SPARKLINE_GAP = 4;
const MIN_VALUE_HEIGHT = 28;

/** Font sizes and visible parts of one card, sized like Grafana's Stat panel (measured text, capped sizes). */
export function cardLayout(width: number, height: number, content: CardContent): CardLayout {
  const padding = width < 140 || height < 80 ? 6 : 12;
  const innerWidth = width - 2 * padding - BORDER;
  const innerHeight = height - 2 * padding - BORDER;
  const titleSize = clamp(Math.round(height * 0.11), 11, 18);
  const deltaSize = clamp(Math.round(height * 0.09), 11, 16);
  const titleHeight = Math.ceil(titleSize * 1.3);
  const deltaHeight = Math.ceil(deltaSize * 1.5);
  let showDelta = content.hasDelta && innerHeight >= titleHeight + 16;
  let inlineDelta = false;
  if (showDelta && innerHeight - titleHeight - deltaHeight < MIN_VALUE_HEIGHT) {
    if (innerWidth >= 160) inlineDelta = true;
    else showDelta = false;
  }
  let showTarget = content.hasTarget && width >= TARGET_MIN.width && height >= TARGET_MIN.height;
  let showSparkline = content.hasSparkline && width >= SPARKLINE_MIN.width && height >= SPARKLINE_MIN.height;
  const sparklineHeight = clamp(Math.round(innerHeight * 0.25), 20, 72);
  const fixed = titleHeight + (showDelta && !inlineDelta ? deltaHeight : 0);
  const valueHeight = () => innerHeight - fixed - (showTarget ? TARGET_HEIGHT : 0) - (showSparkline ? sparklineHeight + SPARKLINE_GAP : 0);
  if (showSparkline && valueHeight() < MIN_VALUE_HEIGHT) showSparkline = false;
  if (showTarget && valueHeight() < MIN_VALUE_HEIGHT) showTarget = false;
  const valueWidth = inlineDelta ? innerWidth * 0.55 : innerWidth;
  const valueSize = fitFontSize(content.valueText, valueWidth, valueHeight(), { lineHeight: LINE_HEIGHT, min: 12, max: MAX_VALUE_SIZE });
  return {
    padding,
    titleSize,
    valueSize,
    deltaSize,
    showDelta,
    inlineDelta,
    showSparkline,
    sparklineHeight: showSparkline ? sparklineHeight : 0,
    showTarget,
  };
}
