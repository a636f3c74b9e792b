import { FunnelOptions } from '../../types';
import { clamp } from '../../utils/textFit';

/** Every text line of the funnel is this tall (set as line-height in the styles). */
export const LINE = 18;
export const STEP_GAP = 4;
const LEGEND = 20;

export interface FunnelLayout {
  /** Room for the comparison legend above the steps. */
  legendHeight: number;
  showDropOff: boolean;
  showPercentages: boolean;
  /** Bar thickness (px) in the horizontal layout. */
  barThickness: number;
  /** Vertical layout: lines above every bar, the same for all steps so the bars share a baseline. */
  headerLines: number;
}

/** What fits: drop-off and percentage lines go first when steps get small (the tooltip keeps them all). */
export function funnelLayout(steps: number, width: number, height: number, options: FunnelOptions, hasComparison: boolean): FunnelLayout {
  const legendHeight = hasComparison && height >= 120 ? LEGEND : 0;
  const n = Math.max(1, steps);
  const available = height - legendHeight - STEP_GAP * (n - 1);
  if (options.orientation === 'vertical') {
    const columnWidth = width / n;
    const percentLines = (options.showFromPrevious ? 1 : 0) + (options.showFromFirst ? 1 : 0);
    // Keep at least half of the height for the bars.
    const room = Math.floor((available / 2 - 2 * LINE) / LINE);
    const showPercentages = columnWidth >= 70 && percentLines > 0 && room >= percentLines;
    const showDropOff = columnWidth >= 70 && options.showDropOff && room >= percentLines * (showPercentages ? 1 : 0) + 1;
    const headerLines = 1 + (showPercentages ? percentLines : 0) + (showDropOff ? 1 : 0);
    return { legendHeight, showDropOff, showPercentages, barThickness: 0, headerLines };
  }
  const stepHeight = available / n;
  const showDropOff = options.showDropOff && stepHeight >= 2 * LINE + 8;
  const showPercentages = stepHeight >= LINE + 6 && width >= 220;
  const textLines = 1 + (showDropOff ? 1 : 0);
  return { legendHeight, showDropOff, showPercentages, barThickness: clamp(Math.floor(stepHeight - textLines * LINE - 2), 2, 40), headerLines: 1 };
}
