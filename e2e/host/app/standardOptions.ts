import {
  booleanOverrideProcessor,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldColorModeId,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  ThresholdsMode,
  unitOverrideProcessor,
  valueMappingsOverrideProcessor,
  type Field,
  type FieldConfigPropertyItem,
  type StandardEditorsRegistryItem,
} from '@grafana/data';

/**
 * Grafana fills two registries at start-up from its core (public/app/core/components/OptionsUI/
 * registry.tsx, not in the npm packages): the option editors and the standard field options.
 * The harness renders no options pane, so the editors are stubs; the standard field options
 * are rebuilt with the processors and defaults Grafana uses, because applyFieldOverrides and
 * the panel's useFieldConfig need them (unit, decimals, min, max, thresholds, color...).
 */

const EDITOR_IDS = ['number', 'slider', 'text', 'select', 'radio', 'boolean', 'color', 'unit', 'field-name', 'strings', 'timezone', 'dashboard-uid', 'multi-select', 'thresholds', 'mappings', 'links', 'fieldColor', 'stats-picker'];
const Stub = () => null;

const isNumber = (field: Field) => field.type === FieldType.number;
const always = () => true;

function item(id: string, name: string, process: FieldConfigPropertyItem['process'], extra: Partial<FieldConfigPropertyItem> = {}): FieldConfigPropertyItem {
  return { id, path: id, name, process, editor: Stub, override: Stub, shouldApply: always, settings: {}, category: ['Standard options'], ...extra };
}

export function registerStandardOptions(): void {
  standardEditorsRegistry.setInit(() => EDITOR_IDS.map((id): StandardEditorsRegistryItem => ({ id, name: id, editor: Stub })));
  standardFieldConfigEditorRegistry.setInit(() => [
    item('displayName', 'Display name', displayNameOverrideProcessor, { settings: { placeholder: 'none', expandTemplateVars: true } }),
    item('unit', 'Unit', unitOverrideProcessor, { settings: { placeholder: 'none' } }),
    item('fieldMinMax', 'Field min/max', booleanOverrideProcessor, { shouldApply: isNumber }),
    item('min', 'Min', numberOverrideProcessor, { shouldApply: isNumber, settings: { placeholder: 'auto' } }),
    item('max', 'Max', numberOverrideProcessor, { shouldApply: isNumber, settings: { placeholder: 'auto' } }),
    item('decimals', 'Decimals', numberOverrideProcessor, { shouldApply: isNumber, settings: { placeholder: 'auto', min: 0, max: 15, integer: true } }),
    item('noValue', 'No value', stringOverrideProcessor),
    item('links', 'Data links', dataLinksOverrideProcessor, { category: ['Data links'] }),
    item('mappings', 'Value mappings', valueMappingsOverrideProcessor, { defaultValue: [], category: ['Value mappings'] }),
    item('thresholds', 'Thresholds', thresholdsOverrideProcessor, {
      defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }, { value: 80, color: 'red' }] },
      category: ['Thresholds'],
    }),
    item('color', 'Color scheme', identityOverrideProcessor, {
      defaultValue: { mode: FieldColorModeId.PaletteClassic },
      settings: { byValueSupport: true, preferThresholdsMode: true },
      category: ['Standard options'],
    }),
  ]);
}
