import { sparklinePaths, valueRange } from './sparklinePath';

describe('sparkline paths', () => {
  it('scales values into the box and breaks the line at nulls', () => {
    const series = { values: [0, 10, null, 5], times: [0, 1, 2, 3] };
    const { line, area } = sparklinePaths(series, 30, 12, valueRange([series]));
    expect(line).toBe('M0,10L10,2M30,6');
    expect(area).toBe('M0,12L0,10L10,2L10,12Z');
  });

  it('draws a flat series in the middle and spreads series without times by index', () => {
    expect(sparklinePaths({ values: [3, 3, 3] }, 20, 10, [3, 3]).line).toBe('M0,5L10,5L20,5');
  });

  it('stretches each series over its own time range so an unshifted comparison lines up', () => {
    const current = { values: [1, 2], times: [1000, 2000] };
    const dayAgo = { values: [1, 2], times: [1000 - 86400000, 2000 - 86400000] };
    const range = valueRange([current, dayAgo]);
    expect(sparklinePaths(dayAgo, 10, 10, range).line).toBe(sparklinePaths(current, 10, 10, range).line);
  });
});
