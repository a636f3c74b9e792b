import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, TimestampNanosecond, Utf8, tableToIPC, type Data, type DataType } from 'apache-arrow';

/**
 * A Grafana data frame and its Arrow encoding, following what Grafana's Go side decodes:
 * the IPC *file* format, Timestamp(nanosecond) without a time zone, plain Utf8 (a Dictionary
 * column fails the whole response) and Float64, with the frame's name/refId/meta on the schema
 * and each field's name/labels/config on the field. Vectors are built by hand so that none of
 * apache-arrow's defaults (dictionary strings, millisecond dates, stream format) can creep in.
 */

/** Grafana's FieldConfig subset we set. */
export interface FieldConfig {
  displayNameFromDS?: string;
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  custom?: Record<string, unknown>;
}

/** Grafana's FrameMeta subset we set. */
export interface FrameMeta {
  type?: string;
  typeVersion?: [number, number];
  executedQueryString?: string;
  preferredVisualisationType?: string;
  custom?: Record<string, unknown>;
}

interface FieldBase {
  name: string;
  labels?: Record<string, string>;
  config?: FieldConfig;
}

export type FrameField =
  /** Epoch milliseconds. */
  | (FieldBase & { type: 'time'; values: number[] })
  | (FieldBase & { type: 'number'; values: Array<number | null> })
  | (FieldBase & { type: 'string'; values: string[] });

export interface Frame {
  name: string;
  refId: string;
  meta?: FrameMeta;
  fields: FrameField[];
}

const encoder = new TextEncoder();

function timeData(values: number[]): Data {
  const data = new BigInt64Array(values.length);
  values.forEach((ms, i) => (data[i] = BigInt(Math.round(ms)) * 1_000_000n));
  return makeData({ type: new TimestampNanosecond(), length: values.length, nullCount: 0, data });
}

/** Nulls stay nulls (validity bitmap): Grafana reads a nullable Float64 as *float64. */
function numberData(values: Array<number | null>): Data {
  const data = new Float64Array(values.length);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      nullCount++;
      return;
    }
    data[i] = v;
    validity[i >> 3]! |= 1 << (i & 7);
  });
  return makeData({ type: new Float64(), length: values.length, nullCount, data, nullBitmap: nullCount > 0 ? validity : undefined });
}

function stringData(values: string[]): Data {
  const encoded = values.map((v) => encoder.encode(v));
  const offsets = new Int32Array(values.length + 1);
  encoded.forEach((bytes, i) => (offsets[i + 1] = offsets[i]! + bytes.length));
  const data = new Uint8Array(offsets[values.length]!);
  encoded.forEach((bytes, i) => data.set(bytes, offsets[i]!));
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

function columnData(field: FrameField): Data {
  switch (field.type) {
    case 'time':
      return timeData(field.values);
    case 'number':
      return numberData(field.values);
    case 'string':
      return stringData(field.values);
  }
}

function fieldMetadata(field: FrameField): Map<string, string> {
  const meta = new Map([['name', field.name]]);
  if (field.labels && Object.keys(field.labels).length > 0) meta.set('labels', JSON.stringify(field.labels));
  if (field.config) meta.set('config', JSON.stringify(field.config));
  return meta;
}

/** One frame as the bytes of an Arrow IPC file. All fields must have the same length. */
export function encodeFrame(frame: Frame): Uint8Array {
  const length = frame.fields[0]?.values.length ?? 0;
  const bad = frame.fields.find((f) => f.values.length !== length);
  if (bad) throw new Error(`frame ${frame.name}: field ${bad.name} has ${bad.values.length} values, expected ${length}`);
  const columns = frame.fields.map(columnData);
  const fields = frame.fields.map((f, i) => new Field<DataType>(f.name, columns[i]!.type, f.type === 'number', fieldMetadata(f)));
  const schemaMeta = new Map([
    ['name', frame.name],
    ['refId', frame.refId],
  ]);
  if (frame.meta) schemaMeta.set('meta', JSON.stringify(frame.meta));
  const schema = new Schema(fields, schemaMeta);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children: columns }));
  return tableToIPC(new Table(schema, [batch]), 'file');
}
