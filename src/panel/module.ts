import { FieldColorModeId, FieldConfigProperty, PanelOptionsEditorBuilder, PanelPlugin, ThresholdsMode } from '@grafana/data';

import { ReducerEditor } from './components/ReducerEditor';
import { ShopmonPanel } from './components/ShopmonPanel';
import { labels } from './labels';
import { fromStatPanel, migrateOptions, needsMigration, normalizeOptions } from './migration';
import { DEFAULT_HIGHER_IS_BETTER, DEFAULT_OPTIONS, ShopmonFieldConfig, ShopmonPanelOptions } from './types';

const L = labels.options;
const d = DEFAULT_OPTIONS;
const isScorecards = (o: ShopmonPanelOptions) => o.mode !== 'funnel';
const isFunnel = (o: ShopmonPanelOptions) => o.mode === 'funnel';
const choices = <T extends string>(names: Record<T, string>) => Object.entries<string>(names).map(([value, label]) => ({ value: value as T, label }));

export function buildPanelOptions(builder: PanelOptionsEditorBuilder<ShopmonPanelOptions>) {
  const panel = [L.categories.panel];
  const cards = [L.categories.scorecards];
  const funnel = [L.categories.funnel];
  builder
    .addRadio({ path: 'mode', name: L.mode, category: panel, defaultValue: d.mode, settings: { options: choices(L.modes) } })
    .addCustomEditor({
      id: 'reduceCalc',
      path: 'reduceCalc',
      name: L.reduceCalc,
      description: L.reduceCalcDescription,
      category: panel,
      editor: ReducerEditor,
      defaultValue: d.reduceCalc,
    })
    .addRadio({
      path: 'comparison.detection',
      name: L.detection,
      description: L.detectionDescription,
      category: panel,
      defaultValue: d.comparison.detection,
      settings: { options: choices(L.detections) },
    })
    .addTextInput({
      path: 'comparison.suffix',
      name: L.suffix,
      description: L.suffixDescription,
      category: panel,
      defaultValue: d.comparison.suffix,
      showIf: (o) => o.comparison?.detection === 'suffix',
    })
    .addRadio({ path: 'target.source', name: L.targetSource, category: cards, defaultValue: d.target.source, settings: { options: choices(L.targetSources) }, showIf: isScorecards })
    .addNumberInput({ path: 'target.value', name: L.targetValue, category: cards, showIf: (o) => isScorecards(o) && o.target?.source === 'fixed' })
    .addRadio({ path: 'colorMode', name: L.colorMode, category: cards, defaultValue: d.colorMode, settings: { options: choices(L.colorModes) }, showIf: isScorecards })
    .addBooleanSwitch({ path: 'showSparkline', name: L.showSparkline, category: cards, defaultValue: d.showSparkline, showIf: isScorecards })
    .addNumberInput({ path: 'minCardWidth', name: L.minCardWidth, category: cards, defaultValue: d.minCardWidth, settings: { min: 40, integer: true }, showIf: isScorecards })
    .addRadio({ path: 'orientation', name: L.orientation, category: cards, defaultValue: d.orientation, settings: { options: choices(L.orientations) }, showIf: isScorecards })
    .addRadio({
      path: 'funnel.orientation',
      name: L.funnelOrientation,
      category: funnel,
      defaultValue: d.funnel.orientation,
      settings: { options: choices({ horizontal: L.orientations.horizontal, vertical: L.orientations.vertical }) },
      showIf: isFunnel,
    })
    .addBooleanSwitch({ path: 'funnel.showFromPrevious', name: L.showFromPrevious, category: funnel, defaultValue: d.funnel.showFromPrevious, showIf: isFunnel })
    .addBooleanSwitch({ path: 'funnel.showFromFirst', name: L.showFromFirst, category: funnel, defaultValue: d.funnel.showFromFirst, showIf: isFunnel })
    .addBooleanSwitch({ path: 'funnel.showDropOff', name: L.showDropOff, category: funnel, defaultValue: d.funnel.showDropOff, showIf: isFunnel })
    .addFieldNamePicker({ path: 'funnel.valueField', name: L.valueField, description: L.valueFieldDescription, category: funnel, showIf: isFunnel });
}

export const plugin = new PanelPlugin<ShopmonPanelOptions, ShopmonFieldConfig>(ShopmonPanel)
  .setPanelOptions(buildPanelOptions)
  .useFieldConfig({
    standardOptions: {
      // One neutral base step: values are coloured only once the user sets thresholds.
      [FieldConfigProperty.Thresholds]: { defaultValue: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'text' }] } },
      [FieldConfigProperty.Color]: { defaultValue: { mode: FieldColorModeId.Thresholds } },
    },
    useCustomConfig: (builder) => {
      builder
        .addBooleanSwitch({
          path: 'higherIsBetter',
          name: L.higherIsBetter,
          description: L.higherIsBetterDescription,
          category: [L.categories.kpi],
          defaultValue: DEFAULT_HIGHER_IS_BETTER,
        })
        .addNumberInput({ path: 'target', name: L.fieldTarget, description: L.fieldTargetDescription, category: [L.categories.kpi] });
    },
  })
  .setMigrationHandler(migrateOptions, needsMigration)
  .setPanelChangeHandler((panel, prevPluginId, prevOptions) => normalizeOptions({ ...panel.options, ...fromStatPanel(prevPluginId, prevOptions) }));
