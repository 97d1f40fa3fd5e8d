/**
 * The Avro schemas Debezium 3.6's MongoDB connector writes for one collection, as Kafka Connect's AvroData
 * (through the Apicurio converter) turns its Connect schemas into Avro, with schema.name.adjustment.mode=avro.
 *
 * Derived from debezium/debezium at v3.6.1.Final:
 * - debezium-connector-mongodb/.../MongoDbSchema.java: key {id: string} named <topic>.Key; value named
 *   <topic>.Envelope with before, after (io.debezium.data.Json, optional), updateDescription, source, op
 *   (optional string), ts_ms (optional int64), transaction; no schema versions on key and envelope.
 * - debezium-connector-mongodb/.../MongoDbSchemaFactory.java: updateDescription (removedFields,
 *   updatedFields as Json, truncatedArrays of {field, size}).
 * - debezium-connector-mongodb/.../MongoDbSourceInfoStructMaker.java: io.debezium.connector.mongo.Source =
 *   the common source fields + collection, ord, lsid, txnNumber, wallTime.
 * - debezium-connector-common/.../schema/SchemaFactory.java: the common source fields (snapshot is an
 *   io.debezium.data.Enum defaulting to "false"), Json, and the transaction block event.block.
 * - debezium-connector-common/.../schema/SchemaNameAdjuster.java: the avro name adjustment (adjustAvroName).
 * The attribute layout (connect.version, connect.name, connect.parameters, connect.default, unions with
 * null first and default null for optional fields) is the one the live MariaDB connector registers here.
 */

/** Debezium's default topic naming: <topic.prefix>.<db>.<collection>. */
export function mongoTopic(topicPrefix: string, db: string, collection: string): string {
  return `${topicPrefix}.${db}.${collection}`;
}

/**
 * SchemaNameAdjuster.validFullname with '_' replacement: a first character outside [A-Za-z_] becomes '_'
 * (a digit is kept after it), any later character outside [A-Za-z0-9_.] becomes '_'.
 */
export function adjustAvroName(name: string): string {
  if (name === '') return name;
  const first = name[0]!;
  let out = /[A-Za-z_]/.test(first) ? first : /[0-9]/.test(first) ? `_${first}` : '_';
  for (const c of name.slice(1)) out += /[A-Za-z0-9_.]/.test(c) ? c : '_';
  return out;
}

/** An Avro full name split as AvroData writes it: the last segment is the name, the rest the namespace. */
function named(fullname: string): { name: string; namespace?: string } {
  const i = fullname.lastIndexOf('.');
  return i < 0 ? { name: fullname } : { name: fullname.slice(i + 1), namespace: fullname.slice(0, i) };
}

const optional = (type: unknown) => ({ type: ['null', type], default: null });

const JSON_STRING = { type: 'string', 'connect.version': 1, 'connect.name': 'io.debezium.data.Json' };

const SNAPSHOT_ENUM = {
  type: 'string',
  'connect.version': 1,
  'connect.parameters': {
    allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental',
  },
  'connect.default': 'false',
  'connect.name': 'io.debezium.data.Enum',
};

function sourceSchema() {
  return {
    type: 'record',
    name: 'Source',
    namespace: 'io.debezium.connector.mongo',
    fields: [
      { name: 'version', type: 'string' },
      { name: 'connector', type: 'string' },
      { name: 'name', type: 'string' },
      { name: 'ts_ms', type: 'long' },
      { name: 'snapshot', type: [SNAPSHOT_ENUM, 'null'], default: 'false' },
      { name: 'db', type: 'string' },
      { name: 'sequence', ...optional('string') },
      { name: 'ts_us', ...optional('long') },
      { name: 'ts_ns', ...optional('long') },
      { name: 'collection', type: 'string' },
      { name: 'ord', type: 'int' },
      { name: 'lsid', ...optional('string') },
      { name: 'txnNumber', ...optional('long') },
      { name: 'wallTime', ...optional('long') },
    ],
    'connect.version': 1,
    'connect.name': 'io.debezium.connector.mongo.Source',
  };
}

function updateDescriptionSchema() {
  return {
    type: 'record',
    name: 'updatedescription',
    namespace: 'io.debezium.connector.mongodb.changestream',
    fields: [
      { name: 'removedFields', ...optional({ type: 'array', items: 'string' }) },
      { name: 'updatedFields', ...optional(JSON_STRING) },
      {
        name: 'truncatedArrays',
        ...optional({
          type: 'array',
          items: {
            // Same namespace as the enclosing record, so Avro's JSON form leaves it out.
            type: 'record',
            name: 'truncatedarray',
            fields: [
              { name: 'field', type: 'string' },
              { name: 'size', type: 'int' },
            ],
            'connect.version': 1,
            'connect.name': 'io.debezium.connector.mongodb.changestream.truncatedarray',
          },
        }),
      },
    ],
    'connect.version': 1,
    'connect.name': 'io.debezium.connector.mongodb.changestream.updatedescription',
  };
}

const TRANSACTION_BLOCK = {
  type: 'record',
  name: 'block',
  namespace: 'event',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total_order', type: 'long' },
    { name: 'data_collection_order', type: 'long' },
  ],
  'connect.version': 1,
  'connect.name': 'event.block',
};

export function mongoKeySchema(topicPrefix: string, db: string, collection: string): Record<string, unknown> {
  const full = adjustAvroName(`${mongoTopic(topicPrefix, db, collection)}.Key`);
  return {
    type: 'record',
    ...named(full),
    fields: [{ name: 'id', type: 'string' }],
    'connect.name': full,
  };
}

export function mongoValueSchema(
  topicPrefix: string,
  db: string,
  collection: string,
): Record<string, unknown> {
  const full = adjustAvroName(`${mongoTopic(topicPrefix, db, collection)}.Envelope`);
  return {
    type: 'record',
    ...named(full),
    fields: [
      { name: 'before', ...optional(JSON_STRING) },
      { name: 'after', ...optional(JSON_STRING) },
      { name: 'updateDescription', ...optional(updateDescriptionSchema()) },
      { name: 'source', type: sourceSchema() },
      { name: 'op', ...optional('string') },
      { name: 'ts_ms', ...optional('long') },
      { name: 'transaction', ...optional(TRANSACTION_BLOCK) },
    ],
    'connect.name': full,
  };
}

/** The decoded value of a MongoDB change event (longs as bigint, as Starling's codec decodes them). */
export interface MongoEnvelope {
  before: string | null;
  after: string | null;
  updateDescription: {
    removedFields: string[] | null;
    updatedFields: string | null;
    truncatedArrays: Array<{ field: string; size: number }> | null;
  } | null;
  source: MongoSource;
  op: string | null;
  ts_ms: bigint | null;
  transaction: { id: string; total_order: bigint; data_collection_order: bigint } | null;
}

export interface MongoSource {
  version: string;
  connector: string;
  name: string;
  ts_ms: bigint;
  snapshot: string | null;
  db: string;
  sequence: string | null;
  ts_us: bigint | null;
  ts_ns: bigint | null;
  collection: string;
  ord: number;
  lsid: string | null;
  txnNumber: bigint | null;
  wallTime: bigint | null;
}

export interface MongoKey {
  id: string;
}
