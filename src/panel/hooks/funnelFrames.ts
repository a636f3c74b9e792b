import { DataFrame, Field, FieldType, getFieldDisplayName, getFrameDisplayName, Labels } from '@grafana/data';

import { labels } from '../labels';
import { COMPARE_LABEL, ShopmonPanelOptions } from '../types';
import { Comparable, pairComparisons } from './comparison';
import { describeFields, extractSeries, frameLabels, isTableFrame, reduceSeries, toNumberOrNull } from './series';

/** A step as read from the data, before any percentage is computed. */
export interface RawStep {
  key: string;
  name: string;
  value: number | null;
  /** undefined: the funnel has no comparison; null: the comparison lacks this step. */
  comparison?: number | null;
  /** The number field the value came from: its unit, decimals and colours format the step. */
  field: Field;
}

export interface RawFunnel {
  key: string;
  title?: string;
  steps: RawStep[];
  comparisonName?: string;
}

export type FunnelRead = { ok: true; funnels: RawFunnel[] } | { ok: false; message: string };

interface TableGroup extends Comparable {
  key: string;
  title?: string;
  field: Field;
  rows: Array<[string, number | null]>;
}

const STEP_NAME = /^(step|stage|name)$/i;

function valueFieldOf(frame: DataFrame, frames: DataFrame[], wanted?: string): Field | undefined {
  const numbers = frame.fields.filter((f) => f.type === FieldType.number);
  if (!wanted) return numbers[0];
  return numbers.find((f) => f.name === wanted || getFieldDisplayName(f, frame, frames) === wanted);
}

/**
 * The groups of a table frame: text columns other than the step column (e.g. "channel" of a
 * grouped /v1/funnel answer, or "compare") split the rows into one funnel each.
 */
function tableGroups(frame: DataFrame, frameIndex: number, valueField: Field): TableGroup[] {
  const texts = frame.fields.filter((f) => f.type === FieldType.string);
  const stepField = texts.find((f) => STEP_NAME.test(f.name)) ?? texts[0]!;
  const groupFields = texts.filter((f) => f !== stepField);
  const frameName = frame.name || getFrameDisplayName(frame);
  const groups = new Map<string, TableGroup>();
  for (let row = 0; row < frame.length; row++) {
    const groupLabels: Labels = {};
    for (const f of groupFields) groupLabels[f.name] = String(f.values[row] ?? '');
    const id = JSON.stringify(groupLabels);
    let group = groups.get(id);
    if (!group) {
      const title = groupFields
        .filter((f) => f.name !== COMPARE_LABEL)
        .map((f) => groupLabels[f.name])
        .join(' / ');
      group = { key: `${frameIndex}/${id}`, title: title || undefined, name: title || frameName, labels: { ...frameLabels(frame), ...groupLabels }, refId: frame.refId, field: valueField, rows: [] };
      groups.set(id, group);
    }
    group.rows.push([String(stepField.values[row] ?? ''), toNumberOrNull(valueField.values[row])]);
  }
  return [...groups.values()];
}

/** Table frames: one row per step (our /v1/funnel frames: step, visitors, from_previous, from_first). */
function readTables(frames: DataFrame[], options: ShopmonPanelOptions): FunnelRead {
  const wanted = options.funnel.valueField;
  const groups: TableGroup[] = [];
  for (const [frameIndex, frame] of frames.entries()) {
    if (!isTableFrame(frame)) continue;
    const valueField = valueFieldOf(frame, frames, wanted);
    if (!valueField) {
      const names = frame.fields.filter((f) => f.type === FieldType.number).map((f) => f.name);
      return { ok: false, message: labels.funnel.missingValueField(wanted ?? '', names) };
    }
    groups.push(...tableGroups(frame, frameIndex, valueField));
  }
  const funnels = pairComparisons(groups, options.comparison).map(({ base, comparison, comparisonName }) => {
    const previous = comparison ? new Map(comparison.rows) : undefined;
    const steps = base.rows.map(([name, value], i) => ({
      key: `${i}/${name}`,
      name,
      value,
      comparison: previous ? (previous.get(name) ?? null) : undefined,
      field: base.field,
    }));
    return { key: base.key, title: base.title, steps, comparisonName: previous ? comparisonName : undefined };
  });
  return { ok: true, funnels };
}

/** One number field per step (a wide row), or one series per step: each reduced with the calculation. */
function readSeries(frames: DataFrame[], options: ShopmonPanelOptions): FunnelRead {
  const series = extractSeries(frames);
  if (series.length === 0) return { ok: false, message: labels.funnel.unsupported(describeFields(frames)) };
  const pairs = pairComparisons(series, options.comparison);
  const hasComparison = pairs.some((p) => p.comparison);
  const steps = pairs.map(({ base, comparison }) => ({
    key: base.key,
    name: base.name,
    value: reduceSeries(base, options.reduceCalc),
    comparison: hasComparison ? (comparison ? reduceSeries(comparison, options.reduceCalc) : null) : undefined,
    field: base.field,
  }));
  return { ok: true, funnels: [{ key: 'series', steps, comparisonName: pairs.find((p) => p.comparison)?.comparisonName }] };
}

/** The funnels in the frames, whichever of the supported shapes they have. */
export function readFunnels(frames: DataFrame[], options: ShopmonPanelOptions): FunnelRead {
  return frames.some(isTableFrame) ? readTables(frames, options) : readSeries(frames, options);
}
