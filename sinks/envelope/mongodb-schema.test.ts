import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../core/codec/types.js';
import { adjustAvroName, mongoKeySchema, mongoTopic, mongoValueSchema } from './mongodb-schema.js';

type Field = { name: string; type: unknown; default?: unknown };
const fields = (s: unknown) => (s as { fields: Field[] }).fields;

describe('adjustAvroName (Debezium SchemaNameAdjuster, avro mode)', () => {
  it('replaces what Avro names cannot hold, keeping a leading digit after an underscore', () => {
    expect(adjustAvroName('softcart.catalog.electronics.Key')).toBe('softcart.catalog.electronics.Key');
    expect(adjustAvroName('it-mongo.catalog.electronics.Envelope')).toBe(
      'it_mongo.catalog.electronics.Envelope',
    );
    expect(adjustAvroName('1shop.cat-a.log$x.Key')).toBe('_1shop.cat_a.log_x.Key');
    expect(adjustAvroName('-x')).toBe('_x');
  });
});

describe('mongoKeySchema', () => {
  it('is the record <topic>.Key with one string field id, as AvroData writes it', () => {
    expect(mongoTopic('it-mongo', 'catalog', 'electronics')).toBe('it-mongo.catalog.electronics');
    expect(mongoKeySchema('it-mongo', 'catalog', 'electronics')).toEqual({
      type: 'record',
      name: 'Key',
      namespace: 'it_mongo.catalog.electronics',
      fields: [{ name: 'id', type: 'string' }],
      'connect.name': 'it_mongo.catalog.electronics.Key',
    });
  });
});

describe('mongoValueSchema', () => {
  const schema = mongoValueSchema('softcart', 'catalog', 'electronics');

  it('is the envelope of MongoDbSchema.java, in its field order', () => {
    expect(schema).toMatchObject({
      type: 'record',
      name: 'Envelope',
      namespace: 'softcart.catalog.electronics',
      'connect.name': 'softcart.catalog.electronics.Envelope',
    });
    expect(schema).not.toHaveProperty('connect.version');
    expect(fields(schema).map((f) => f.name)).toEqual([
      'before',
      'after',
      'updateDescription',
      'source',
      'op',
      'ts_ms',
      'transaction',
    ]);
    const json = { type: 'string', 'connect.version': 1, 'connect.name': 'io.debezium.data.Json' };
    expect(fields(schema)[0]).toEqual({ name: 'before', type: ['null', json], default: null });
    expect(fields(schema)[1]).toEqual({ name: 'after', type: ['null', json], default: null });
    expect(fields(schema)[4]).toEqual({ name: 'op', type: ['null', 'string'], default: null });
  });

  it('has the io.debezium.connector.mongo.Source record with the common and the MongoDB fields', () => {
    const src = fields(schema)[3]!.type as Record<string, unknown>;
    expect(src['connect.name']).toBe('io.debezium.connector.mongo.Source');
    expect(fields(src).map((f) => f.name)).toEqual([
      'version',
      'connector',
      'name',
      'ts_ms',
      'snapshot',
      'db',
      'sequence',
      'ts_us',
      'ts_ns',
      'collection',
      'ord',
      'lsid',
      'txnNumber',
      'wallTime',
    ]);
    expect(fields(src).find((f) => f.name === 'ord')!.type).toBe('int');
    expect(fields(src).find((f) => f.name === 'snapshot')!.default).toBe('false');
  });

  it('has updateDescription with removedFields, updatedFields (Json) and truncatedArrays', () => {
    const ud = (fields(schema)[2]!.type as unknown[])[1] as Record<string, unknown>;
    expect(ud['connect.name']).toBe('io.debezium.connector.mongodb.changestream.updatedescription');
    expect(fields(ud).map((f) => f.name)).toEqual(['removedFields', 'updatedFields', 'truncatedArrays']);
  });

  it('compiles with Starling codec and round-trips an event (longs as bigint)', () => {
    const type = parseAvroSchema(schema);
    const event = {
      before: null,
      after: '{"_id": {"$oid": "6650a1b2c3d4e5f607182930"}}',
      updateDescription: {
        removedFields: ['a'],
        updatedFields: '{"b": 1}',
        truncatedArrays: [{ field: 'c', size: 2 }],
      },
      source: {
        version: '3.6.1.Final',
        connector: 'mongodb',
        name: 'softcart',
        ts_ms: 1n,
        snapshot: 'true',
        db: 'catalog',
        sequence: null,
        ts_us: 1000n,
        ts_ns: 1_000_000n,
        collection: 'electronics',
        ord: 1,
        lsid: '{"id": {"$binary": "AA==", "$type": "04"}, "uid": {"$binary": "AA==", "$type": "00"}}',
        txnNumber: 9_007_199_254_740_993n,
        wallTime: 1n,
      },
      op: 'u',
      ts_ms: 2n,
      transaction: { id: 't', total_order: 1n, data_collection_order: 1n },
    };
    expect(type.fromBuffer(type.toBuffer(event))).toEqual(event);
  });
});
