import { registerStubEditors } from './testUtils/registry';

import { plugin } from './module';
import { DEFAULT_OPTIONS } from './types';

beforeAll(registerStubEditors);

describe('panel plugin', () => {
  it('declares every panel option with its default', () => {
    expect(plugin.defaults).toEqual({ ...DEFAULT_OPTIONS, optionsVersion: undefined, target: { source: 'field' }, funnel: { ...DEFAULT_OPTIONS.funnel } });
  });

  it('keeps the standard field config and adds higherIsBetter and target', () => {
    const ids = plugin.fieldConfigRegistry.list().map((item) => item.id);
    expect(ids).toEqual(expect.arrayContaining(['custom.higherIsBetter', 'custom.target']));
    expect(plugin.fieldConfigDefaults.defaults.custom).toEqual({ higherIsBetter: true });
  });

  it('has a migration handler and a type-change handler', () => {
    expect(plugin.onPanelMigration).toBeDefined();
    expect(plugin.shouldMigrate?.({ id: 1, type: 'shopmon-kpi-panel', options: { optionsVersion: 0 }, fieldConfig: { defaults: {}, overrides: [] } })).toBe(true);
    expect(plugin.onPanelTypeChanged).toBeDefined();
  });
});
