import { DataFrame, Field, FieldType, getFieldDisplayName, Labels, reduceField } from '@grafana/data';

import { COMPARE_LABEL } from '../types';

/**
 * One numeric series of the panel data, whatever the frame shape: a number field of a time
 * series or of a wide row (reduced with the chosen calculation), or one row of a table frame.
 */
export interface SeriesRef {
  key: string;
  /** Display name (field config displayName, frame name, labels...), before variable replacement. */
  name: string;
  labels: Labels;
  refId?: string;
  fieldName: string;
  frame: DataFrame;
  field: Field;
  /** Rows of a table frame this series is made of (one row: a single value). */
  rows?: number[];
  values: Array<number | null>;
  /** Epoch ms of each value when the frame has a time field. */
  times?: number[];
}

export function toNumberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function isHidden(field: Field): boolean {
  return Boolean(field.config.custom?.hideFrom?.viz);
}

const isNumber = (f: Field) => f.type === FieldType.number && !isHidden(f);
const isText = (f: Field) => f.type === FieldType.string && !isHidden(f);

/** A table frame: text columns name the rows, number columns hold their values (a time column is allowed). */
export function isTableFrame(frame: DataFrame): boolean {
  return frame.fields.some(isText) && frame.fields.some(isNumber);
}

export function frameLabels(frame: DataFrame): Labels {
  return Object.assign({}, ...frame.fields.map((f) => f.labels ?? {}));
}

function timeValues(frame: DataFrame): number[] | undefined {
  const time = frame.fields.find((f) => f.type === FieldType.time);
  if (!time) return undefined;
  return time.values.map((t: unknown) => (typeof t === 'number' ? t : new Date(t as string).valueOf()));
}

interface RowGroup {
  name: string;
  labels: Labels;
  rows: number[];
}

/** Rows named alike (same text columns) form one series: a long-format time series, or one table row. */
function rowGroups(frame: DataFrame): RowGroup[] {
  const textFields = frame.fields.filter(isText);
  const groups = new Map<string, RowGroup>();
  for (let row = 0; row < frame.length; row++) {
    const labels: Labels = {};
    for (const f of textFields) labels[f.name] = String(f.values[row] ?? '');
    const id = JSON.stringify(labels);
    const group = groups.get(id);
    if (group) group.rows.push(row);
    else {
      const name = textFields
        .filter((f) => f.name !== COMPARE_LABEL)
        .map((f) => labels[f.name])
        .join(' / ');
      groups.set(id, { name, labels, rows: [row] });
    }
  }
  return [...groups.values()];
}

function tableSeries(frame: DataFrame, frameIndex: number, frames: DataFrame[]): SeriesRef[] {
  const numberFields = frame.fields.filter(isNumber);
  const times = timeValues(frame);
  return rowGroups(frame).flatMap((group) =>
    numberFields.map((field) => ({
      key: `${frameIndex}/${field.name}/${group.rows[0]}`,
      name: numberFields.length > 1 ? `${group.name} ${getFieldDisplayName(field, frame, frames)}` : group.name,
      labels: { ...(field.labels ?? {}), ...group.labels },
      refId: frame.refId,
      fieldName: field.name,
      frame,
      field,
      rows: group.rows,
      values: group.rows.map((row) => toNumberOrNull(field.values[row])),
      times: times && group.rows.map((row) => times[row]!),
    }))
  );
}

/** Every numeric series in the frames, in frame and field order. */
export function extractSeries(frames: DataFrame[]): SeriesRef[] {
  const out: SeriesRef[] = [];
  frames.forEach((frame, frameIndex) => {
    if (isTableFrame(frame)) {
      out.push(...tableSeries(frame, frameIndex, frames));
      return;
    }
    const times = timeValues(frame);
    frame.fields.forEach((field, fieldIndex) => {
      if (!isNumber(field)) return;
      out.push({
        key: `${frameIndex}/${fieldIndex}/${field.name}`,
        name: getFieldDisplayName(field, frame, frames),
        labels: field.labels ?? {},
        refId: frame.refId,
        fieldName: field.name,
        frame,
        field,
        values: field.values.map(toNumberOrNull),
        times,
      });
    });
  });
  return out;
}

/** The series as one number: its table value, or the field reduced with `calc` (null when not a finite number). */
export function reduceSeries(series: SeriesRef, calc: string): number | null {
  if (series.values.length === 0) return null;
  if (series.rows?.length === 1) return series.values[0] ?? null;
  // Rows of a table are reduced as a field of their own (reduceField caches results in field.state).
  const field = series.rows ? { ...series.field, values: series.values, state: undefined } : series.field;
  return toNumberOrNull(reduceField({ field, reducers: [calc] })[calc]);
}

/** "time (time), message (string)": what the frames hold, for messages about unsupported shapes. */
export function describeFields(frames: DataFrame[]): string {
  const fields = frames.flatMap((f) => f.fields.map((field) => `${field.name} (${field.type})`));
  return fields.length ? fields.slice(0, 8).join(', ') + (fields.length > 8 ? ', ...' : '') : 'no fields';
}

export function hasRows(frames: DataFrame[]): boolean {
  return frames.some((f) => f.length > 0 && f.fields.length > 0);
}
