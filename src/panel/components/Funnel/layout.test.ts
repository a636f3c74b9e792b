import { DEFAULT_OPTIONS, FunnelOptions } from '../../types';
import { funnelLayout, LINE } from './layout';

const horizontal: FunnelOptions = { ...DEFAULT_OPTIONS.funnel, orientation: 'horizontal' };
const vertical: FunnelOptions = { ...DEFAULT_OPTIONS.funnel, orientation: 'vertical' };

describe('funnel layout', () => {
  it('horizontal: drop-off and percentage lines go first as steps get small', () => {
    expect(funnelLayout(5, 600, 400, horizontal, false)).toMatchObject({ showDropOff: true, showPercentages: true, legendHeight: 0 });
    expect(funnelLayout(5, 600, 160, horizontal, false)).toMatchObject({ showDropOff: false, showPercentages: true });
    expect(funnelLayout(5, 600, 90, horizontal, false)).toMatchObject({ showDropOff: false, showPercentages: false, barThickness: 2 });
  });

  it('horizontal: steps with their text lines fit in the height', () => {
    const height = 320;
    const l = funnelLayout(5, 600, height, horizontal, true);
    const step = l.barThickness + LINE * (l.showDropOff ? 2 : 1);
    expect(l.legendHeight + 5 * step + 4 * 4).toBeLessThanOrEqual(height);
  });

  it('vertical: one header height for every step, so all bars share a baseline and scale', () => {
    expect(funnelLayout(5, 700, 300, vertical, false).headerLines).toBe(4);
    expect(funnelLayout(5, 700, 300, { ...vertical, showFromFirst: false, showDropOff: false }, false).headerLines).toBe(2);
    expect(funnelLayout(5, 300, 300, vertical, false)).toMatchObject({ headerLines: 1, showPercentages: false, showDropOff: false });
  });

  it('shows the comparison legend only when there is a comparison and room for it', () => {
    expect(funnelLayout(3, 600, 300, horizontal, true).legendHeight).toBeGreaterThan(0);
    expect(funnelLayout(3, 600, 100, horizontal, true).legendHeight).toBe(0);
  });
});
