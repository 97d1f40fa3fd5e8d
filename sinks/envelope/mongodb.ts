import type { Decoded } from '../../core/codec/avro-codec.js';
import { idText, parseMongoDocument, plainJson } from './mongo-json.js';
import type { MongoEnvelope, MongoKey, MongoSource } from './mongodb-schema.js';
import { BadRecordError, type ChangeEvent, type ColumnSpec, type Op } from './types.js';

/**
 * Staging shape of a MongoDB collection: the document's `_id` as text (the key) and the whole document as
 * one JSON column. A collection has no fixed columns (the catalog's documents differ by product type), so
 * mirroring fields as columns would make every new field a schema change; the conform step reads fields
 * from the JSON (document->>'type'). The JSON is lossless: Int64/Decimal128 as strings, dates as ISO.
 */
export const MONGO_COLUMNS: ColumnSpec[] = [
  { name: '_id', kind: 'string', optional: false },
  { name: 'document', kind: 'json', optional: false },
];
const KEY_COLUMNS = ['_id'];

const OPS = new Set(['c', 'u', 'd', 'r']);
const pad = (n: bigint | number | string, w: number) => n.toString().padStart(w, '0');

/**
 * Position of a MongoDB change: source ts_ms, then ord, then the Kafka offset, fixed width ('m:' + 15 + 10
 * + 20 digits) so string order is numeric order. In Debezium 3.6 ts_ms is the event's wallTime (MongoDB 6.0
 * and later; the cluster time's seconds before that) and ord the cluster time's increment, which orders
 * events within a second. A snapshot read carries the time it was read at, so a change that streams in
 * after the snapshot but happened before that read (the read already holds it) does not go back in time.
 * ord is -1 where Debezium has no cluster time (snapshots): it counts as 0.
 */
export function mongoPosition(source: Pick<MongoSource, 'ts_ms' | 'ord'>, offset: string): string {
  const ts = BigInt(source.ts_ms);
  if (ts < 0n) throw new BadRecordError('POSITION_INVALID', `source ts_ms ${ts} is negative`);
  if (!/^\d+$/.test(offset))
    throw new BadRecordError('POSITION_INVALID', `Kafka offset '${offset}' is not a number`);
  return `m:${pad(ts, 15)}:${pad(Math.max(source.ord, 0), 10)}:${pad(offset, 20)}`;
}

/**
 * A Debezium 3.6 MongoDB change event (key and value decoded) -> the change model. Pure: no I/O. Throws
 * BadRecordError for an event that cannot be applied (it is dead-lettered, the stream goes on). Tombstones
 * (a null value) never get here: the sink runtime handles them.
 */
export function mongoChange(
  key: Decoded<MongoKey> | null,
  value: Decoded<MongoEnvelope>,
  offset: string,
): ChangeEvent {
  const env = value.value;
  const op = env.op ?? '';
  if (!OPS.has(op)) throw new BadRecordError('OP_UNKNOWN', `operation '${env.op}' is not c, u, d or r`);
  const source = env.source;
  if (!source?.db || !source.collection)
    throw new BadRecordError('SOURCE_INVALID', 'the event names no source database and collection');
  const where = `${source.db}.${source.collection}`;
  if (!key || typeof key.value?.id !== 'string')
    throw new BadRecordError('KEY_INVALID', `a ${where} event without the document key`);
  const id = idText(key.value.id);

  let row: ChangeEvent['row'] = null;
  if (op !== 'd') {
    if (env.after === null || env.after === undefined) {
      if (op === 'u') {
        throw new BadRecordError(
          'MONGO_PARTIAL_UPDATE',
          `an update of ${where} _id ${id} carries only the changed fields (updateDescription), not the whole document. ` +
            "Set the connector's capture.mode to change_streams_update_full (the default). If it already is, the " +
            'document was deleted before the connector looked it up, and the delete event that follows removes it.',
        );
      }
      throw new BadRecordError('ROW_MISSING', `a '${op}' event of ${where} without the document (after)`);
    }
    const doc = parseMongoDocument(env.after, `the document of ${where} _id ${id}`);
    row = { _id: id, document: JSON.stringify(plainJson(doc)) };
  }

  return {
    table: { namespace: source.db, name: source.collection },
    op: op as Op,
    keyColumns: KEY_COLUMNS,
    key: { _id: id },
    row,
    columns: MONGO_COLUMNS,
    position: mongoPosition(source, offset),
    sourceTsMs: Number(source.ts_ms),
  };
}
