import { ReducerID } from '@grafana/data';

import { fromStatPanel, migrateOptions, needsMigration, normalizeOptions } from './migration';
import { DEFAULT_OPTIONS, OPTIONS_VERSION } from './types';

const panel = (options: unknown) => ({ id: 1, type: 'shopmon-kpi-panel', options, fieldConfig: { defaults: {}, overrides: [] } });

describe('options migration', () => {
  it('fills every missing option with its default', () => {
    expect(migrateOptions(panel({}))).toEqual(DEFAULT_OPTIONS);
    expect(normalizeOptions(undefined)).toEqual(DEFAULT_OPTIONS);
  });

  it('keeps valid values, replaces invalid ones and merges nested objects', () => {
    const out = normalizeOptions({
      mode: 'funnel',
      reduceCalc: 'median-ish',
      comparison: { detection: 'suffix' },
      colorMode: 'rainbow',
      minCardWidth: 5,
      funnel: { orientation: 'vertical', showDropOff: false },
    });
    expect(out).toMatchObject({
      mode: 'funnel',
      reduceCalc: DEFAULT_OPTIONS.reduceCalc,
      comparison: { detection: 'suffix', suffix: DEFAULT_OPTIONS.comparison.suffix },
      colorMode: 'value',
      minCardWidth: 40,
      funnel: { orientation: 'vertical', showDropOff: false, showFromFirst: true, showFromPrevious: true },
      optionsVersion: OPTIONS_VERSION,
    });
  });

  it('runs for options saved by another options version (none saved means the first)', () => {
    expect(needsMigration(panel({ optionsVersion: OPTIONS_VERSION + 1 }))).toBe(true);
    expect(needsMigration(panel(null))).toBe(true);
    expect(needsMigration(panel({ mode: 'funnel' }))).toBe(false);
    expect(needsMigration(panel({ ...DEFAULT_OPTIONS }))).toBe(false);
  });

  it('carries calculation, colour, orientation and sparkline over from a Stat panel', () => {
    const stat = { reduceOptions: { calcs: [ReducerID.mean] }, colorMode: 'background_solid', orientation: 'vertical', graphMode: 'none' };
    expect(fromStatPanel('stat', stat)).toEqual({ reduceCalc: ReducerID.mean, colorMode: 'background', orientation: 'vertical', showSparkline: false });
    expect(fromStatPanel('timeseries', stat)).toEqual({});
  });
});
