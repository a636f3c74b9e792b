import { tableFromIPC, Type, type Field as ArrowField, type Table, type Vector } from 'apache-arrow';

/**
 * Arrow IPC frames from the plugin as Grafana's server reads them (grafana-plugin-sdk-go
 * data.UnmarshalArrowFrame) and as it writes them to the browser (data.FrameToJSON):
 * `{schema:{name,refId,meta,fields:[{name,type,typeInfo,labels,config}]}, data:{values,entities}}`.
 *
 * Grafana is strict, and so is this: the IPC *file* format only, the column types its decoder
 * knows (no Dictionary, no Date, no Float16...), timestamps read as nanoseconds whatever unit the
 * column declares, JSON in the `meta` / `labels` / `config` metadata. A frame it cannot read
 * fails the whole QueryData call (every query of the request), which `decodeFrames` reports by
 * throwing. Metadata keys Grafana's Go structs do not have are dropped on the way to the browser;
 * they are returned as `dropped` so a test can see what a real Grafana would lose.
 */

export type FieldTypeName = 'time' | 'number' | 'string' | 'boolean';

export interface FieldJSON {
  name: string;
  type: FieldTypeName;
  typeInfo: { frame: string; nullable?: boolean };
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

export interface FrameJSON {
  schema: { name?: string; refId?: string; meta?: Record<string, unknown>; fields: FieldJSON[] };
  data: { values: unknown[][]; entities?: Array<Record<string, number[]> | null> };
}

export class FrameDecodeError extends Error {}

/** grafana-plugin-sdk-go data.FrameMeta's JSON keys. */
const FRAME_META_KEYS = new Set([
  'type', 'typeVersion', 'path', 'pathSeparator', 'custom', 'stats', 'notices', 'channel', 'preferredVisualisationType',
  'preferredVisualisationPluginId', 'executedQueryString', 'dataTopic', 'uniqueRowIdFields', 'queryType', 'dataFrameType',
]);
/** grafana-plugin-sdk-go data.FieldConfig's JSON keys. */
const FIELD_CONFIG_KEYS = new Set([
  'displayName', 'displayNameFromDS', 'path', 'description', 'filterable', 'writeable', 'unit', 'decimals', 'min', 'max',
  'interval', 'mappings', 'thresholds', 'color', 'links', 'noValue', 'type', 'custom', 'fieldMinMax',
]);

const ARROW_MAGIC = 'ARROW1';

function parseJsonMeta(frame: string, key: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrameDecodeError(`frame "${frame}": ${key} metadata is not JSON: ${text.slice(0, 120)}`);
  }
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new FrameDecodeError(`frame "${frame}": ${key} metadata must be a JSON object`);
  return value as Record<string, unknown>;
}

function keepKnown(obj: Record<string, unknown> | undefined, known: Set<string>, where: string, dropped: string[]): Record<string, unknown> | undefined {
  if (!obj) return obj;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (known.has(k)) out[k] = v;
    else dropped.push(`${where}.${k}`);
  }
  return out;
}

interface Column {
  type: FieldTypeName;
  frameType: string;
  values: unknown[];
  entities: Record<string, number[]> | null;
}

/** Timestamps: Grafana reads the raw int64 as nanoseconds since the epoch, whatever the declared unit. */
function timeColumn(vector: Vector): unknown[] {
  const out: unknown[] = [];
  for (const data of vector.data) {
    const raw = data.values as unknown as BigInt64Array;
    for (let i = 0; i < data.length; i++) out.push(data.getValid(i) ? Number(raw[data.offset + i]! / 1_000_000n) : null);
  }
  return out;
}

function numberColumn(vector: Vector): { values: unknown[]; entities: Record<string, number[]> | null } {
  const values: unknown[] = [];
  const entities: Record<string, number[]> = {};
  for (let i = 0; i < vector.length; i++) {
    const v = vector.get(i) as number | bigint | null;
    if (v === null) {
      values.push(null);
      continue;
    }
    const n = typeof v === 'bigint' ? Number(v) : v;
    const entity = Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Inf' : n === -Infinity ? 'NegInf' : null;
    if (entity) (entities[entity] ??= []).push(i);
    values.push(entity ? null : n);
  }
  return { values, entities: Object.keys(entities).length > 0 ? entities : null };
}

function readColumn(frame: string, field: ArrowField, vector: Vector): Column {
  const t = field.type;
  switch (t.typeId) {
    case Type.Timestamp:
      return { type: 'time', frameType: 'time.Time', values: timeColumn(vector), entities: null };
    case Type.Int:
    case Type.Float: {
      if (t.typeId === Type.Float && (t as { precision: number }).precision === 0) break; // Float16
      const bits = t.typeId === Type.Int ? (t as { bitWidth: number }).bitWidth : (t as { precision: number }).precision === 1 ? 32 : 64;
      const kind = t.typeId === Type.Float ? 'float' : (t as { isSigned: boolean }).isSigned ? 'int' : 'uint';
      const { values, entities } = numberColumn(vector);
      return { type: 'number', frameType: `${kind}${bits}`, values, entities };
    }
    case Type.Utf8:
      return { type: 'string', frameType: 'string', values: Array.from({ length: vector.length }, (_, i) => vector.get(i) as string | null), entities: null };
    case Type.Bool:
      return { type: 'boolean', frameType: 'bool', values: Array.from({ length: vector.length }, (_, i) => vector.get(i) as boolean | null), entities: null };
    default:
      break;
  }
  throw new FrameDecodeError(`frame "${frame}": field "${field.name}" has Arrow type ${String(t)} (${Type[t.typeId]}), which Grafana cannot decode`);
}

function tableOf(bytes: Uint8Array): Table {
  const head = Buffer.from(bytes.subarray(0, 6)).toString('latin1');
  const tail = Buffer.from(bytes.subarray(bytes.length - 6)).toString('latin1');
  if (head !== ARROW_MAGIC || tail !== ARROW_MAGIC) {
    throw new FrameDecodeError('a frame is not in the Arrow IPC file format (no ARROW1 magic at both ends): Grafana reads frames with ipc.NewFileReader');
  }
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new FrameDecodeError(`a frame is not valid Arrow IPC: ${(e as Error).message}`);
  }
}

export interface DecodedFrame {
  json: FrameJSON;
  /** Metadata keys a real Grafana would drop (not in its Go structs), as "frame/field.key". */
  dropped: string[];
}

export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  const table = tableOf(bytes);
  const md = table.schema.metadata;
  const name = md.get('name') ?? '';
  const dropped: string[] = [];
  const meta = keepKnown(parseJsonMeta(name, 'meta', md.get('meta')), FRAME_META_KEYS, `${name}/meta`, dropped);
  const fields: FieldJSON[] = [];
  const values: unknown[][] = [];
  const entities: Array<Record<string, number[]> | null> = [];
  table.schema.fields.forEach((field, i) => {
    // The SDK names the field after the Arrow field; the `name` metadata is only written, never read.
    const fieldName = field.name;
    const column = readColumn(name, field, table.getChildAt(i)!);
    const labels = parseJsonMeta(name, `field "${fieldName}" labels`, field.metadata.get('labels'));
    if (labels && Object.values(labels).some((v) => typeof v !== 'string')) throw new FrameDecodeError(`frame "${name}": field "${fieldName}" has labels that are not all strings`);
    const config = keepKnown(parseJsonMeta(name, `field "${fieldName}" config`, field.metadata.get('config')), FIELD_CONFIG_KEYS, `${name}/${fieldName}.config`, dropped);
    fields.push({
      name: fieldName,
      type: column.type,
      typeInfo: { frame: column.frameType, ...(field.nullable ? { nullable: true } : {}) },
      ...(labels && Object.keys(labels).length > 0 ? { labels: labels as Record<string, string> } : {}),
      ...(config ? { config } : {}),
    });
    values.push(column.values);
    entities.push(column.entities);
  });
  const schema: FrameJSON['schema'] = { fields };
  if (name) schema.name = name;
  const refId = md.get('refId');
  if (refId) schema.refId = refId;
  if (meta && Object.keys(meta).length > 0) schema.meta = meta;
  const data: FrameJSON['data'] = { values };
  if (entities.some((e) => e !== null)) data.entities = entities;
  return { json: { schema, data }, dropped };
}

/** All frames of one DataResponse; throws FrameDecodeError as Grafana fails the request. */
export function decodeFrames(frames: Uint8Array[]): DecodedFrame[] {
  return frames.map(decodeFrame);
}
