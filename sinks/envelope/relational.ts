import type { Decoded } from '../../core/codec/avro-codec.js';
import { type AvroNode, columnFromField, rowFields, toSql } from './avro-columns.js';
import { BadRecordError, type ChangeEvent, type ColumnSpec, type Op, type SqlValue } from './types.js';

interface RelationalSource {
  connector: string;
  db: string;
  table: string | null;
  ts_ms: bigint;
  file: string;
  pos: bigint;
  row: number;
  snapshot?: string | null;
}
interface RelationalEnvelope {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: RelationalSource;
  op: string;
}

const OPS = new Set(['c', 'u', 'd', 'r']);

/**
 * Position of a MariaDB/MySQL change: binlog file sequence, event position, row within the event, then the
 * Kafka offset (equal binlog coordinates only occur for re-sent copies of one event, which the partition
 * order then settles). Fixed-width digits make string order equal numeric order.
 * This is the position of source epoch 0; the stages that read raw topics (staging sink, conform processors)
 * prefix later epochs (`e:<epoch>:…`, sinks/epochs) once the source's coordinates restart.
 */
export function binlogPosition(source: RelationalSource, offset: string): string {
  const seq = /\.(\d+)$/.exec(source.file)?.[1];
  if (seq === undefined)
    throw new BadRecordError('POSITION_INVALID', `binlog file name ${source.file} has no sequence number`);
  return `b:${seq.padStart(10, '0')}:${source.pos.toString().padStart(20, '0')}:${String(source.row).padStart(6, '0')}:${offset.padStart(20, '0')}`;
}

/** Column specs of a schema version, computed once per schema id (every record of that id shares them). */
const columnCache = new WeakMap<object, ColumnSpec[]>();
/** The Avro field each spec reads (spec names are the source's, which Avro field names may not spell). */
const fieldCache = new WeakMap<ColumnSpec[], Map<string, ColumnSpec>>();
export function columnsOf(schema: Record<string, unknown>): ColumnSpec[] {
  let cols = columnCache.get(schema);
  if (!cols) {
    const fields = rowFields(schema as { fields?: Array<{ name: string; type: AvroNode }> });
    cols = fields.map(columnFromField);
    fieldCache.set(cols, new Map(fields.map((f, i) => [f.name, cols![i]!])));
    columnCache.set(schema, cols);
  }
  return cols;
}

/** The same specs by Avro field name, also once per schema version (a Map per event was a measurable cost). */
function columnsByField(columns: ColumnSpec[]): Map<string, ColumnSpec> {
  return fieldCache.get(columns)!;
}

/**
 * A Debezium MariaDB/MySQL change event (key and value decoded) -> the change model. Pure: no I/O.
 * Throws BadRecordError for an event that cannot be applied (it is dead-lettered, the stream goes on).
 */
export function relationalChange(
  key: Decoded<Record<string, unknown>> | null,
  value: Decoded<RelationalEnvelope>,
  offset: string,
): ChangeEvent {
  const env = value.value;
  if (!OPS.has(env.op)) throw new BadRecordError('OP_UNKNOWN', `operation '${env.op}' is not c, u, d or r`);
  if (!env.source?.table) throw new BadRecordError('SOURCE_INVALID', 'the event names no source table');
  if (!key)
    throw new BadRecordError(
      'NO_PRIMARY_KEY',
      `${env.source.db}.${env.source.table} has no primary key; Starling mirrors keyed tables only`,
    );
  const columns = columnsOf(value.schema);
  const byField = columnsByField(columns);
  // Key fields carry no source-name parameter: they are named as the value's fields of the same columns.
  const keyColumns: string[] = [];
  const keyOut: Record<string, SqlValue> = {};
  for (const k of Object.keys(key.value)) {
    const spec = byField.get(k);
    if (!spec)
      throw new BadRecordError('KEY_INVALID', `key column ${k} is not a column of ${env.source.table}`);
    keyColumns.push(spec.name);
    keyOut[spec.name] = toSql(spec, key.value[k]);
  }
  const image = env.op === 'd' ? null : env.after;
  if (env.op !== 'd' && !image)
    throw new BadRecordError('ROW_MISSING', `a '${env.op}' event without an after image`);
  let row: Record<string, SqlValue> | null = null;
  if (image) {
    row = {};
    for (const [field, c] of byField) row[c.name] = toSql(c, image[field]);
  }
  return {
    table: { namespace: env.source.db, name: env.source.table },
    op: env.op as Op,
    keyColumns,
    key: keyOut,
    row,
    columns,
    position: binlogPosition(env.source, offset),
    sourceTsMs: Number(env.source.ts_ms),
  };
}
