import { fitFontSize } from './textFit';

describe('fitFontSize', () => {
  it('caps sizes and never returns less than the minimum', () => {
    expect(fitFontSize('1', 1000, 1000, { lineHeight: 1.2, min: 12, max: 72 })).toBe(72);
    expect(fitFontSize('123456789', 20, 10, { lineHeight: 1.2, min: 12, max: 72 })).toBe(12);
    expect(fitFontSize('x', 0, 100, { lineHeight: 1.2, min: 10, max: 72 })).toBe(10);
  });

  it('is limited by the height through the line height', () => {
    expect(fitFontSize('1', 1000, 24, { lineHeight: 1.2, min: 8, max: 72 })).toBe(20);
  });
});
