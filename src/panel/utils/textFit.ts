import { calculateFontSize } from '@grafana/ui';

/** Average glyph width of Inter in em, used when no canvas is available to measure text (tests, SSR). */
const AVERAGE_GLYPH_EM = 0.6;

export interface FitOptions {
  lineHeight: number;
  min: number;
  max: number;
  fontWeight?: number;
}

/**
 * The largest font size (px) at which `text` fits in width x height, measured like Grafana's
 * Stat panel (canvas measureText via calculateFontSize) and capped to [min, max].
 */
export function fitFontSize(text: string, width: number, height: number, { lineHeight, min, max, fontWeight = 500 }: FitOptions): number {
  if (width <= 0 || height <= 0) return min;
  let size: number;
  try {
    size = calculateFontSize(text, width, height, lineHeight, max, fontWeight);
  } catch {
    const byWidth = width / (Math.max(text.length, 1) * AVERAGE_GLYPH_EM);
    size = Math.min(byWidth, height / lineHeight, max);
  }
  if (!Number.isFinite(size)) size = max;
  return Math.max(min, Math.min(max, Math.floor(size)));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
