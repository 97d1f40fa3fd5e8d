import { Decimal128, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../core/codec/types.js';
import { mongoChange } from '../../sinks/envelope/mongodb.js';
import { mongoKeySchema, mongoValueSchema } from '../../sinks/envelope/mongodb-schema.js';
import { catalogSnapshotEvents, javaDouble, relaxedId, strictJson } from './debezium-event.js';
import { catalogObjectId } from './object-id.js';

describe('strictJson (the Java driver STRICT writer, compact)', () => {
  it('writes what Debezium tests expect (FieldExcludeListIT, MongoDbConnectorIT)', () => {
    const oid = new ObjectId('6650a1b2c3d4e5f607182930');
    expect(strictJson({ _id: oid, phone: 123n, scores: [1.2, 3.4, 5.6] })).toBe(
      '{"_id": {"$oid": "6650a1b2c3d4e5f607182930"},"phone": {"$numberLong": "123"},"scores": [1.2,3.4,5.6]}',
    );
    expect(
      strictJson({ d: new Date(1393804800000), x: Decimal128.fromString('1.10'), l: Long.fromString('-9') }),
    ).toBe('{"d": {"$date": 1393804800000},"x": {"$numberDecimal": "1.10"},"l": {"$numberLong": "-9"}}');
  });

  it('writes numbers as the BSON type the Node driver stores: Int32 or Double', () => {
    expect(strictJson([5, -7, 6.5, 100.5, 3e9, 2 ** 31, 1e-5, 0.001, 1e7, 0, -0])).toBe(
      '[5,-7,6.5,100.5,3.0E9,2.147483648E9,1.0E-5,0.001,10000000,0,-0.0]',
    );
  });

  it('javaDouble matches Double.toString', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'],
      [100, '100.0'],
      [5.5, '5.5'],
      [0.1, '0.1'],
      [0.00123, '0.00123'],
      [9999999, '9999999.0'],
      [12345678.9, '1.23456789E7'],
      [1e21, '1.0E21'],
      [-2.5e-7, '-2.5E-7'],
      [Number.MAX_VALUE, '1.7976931348623157E308'],
    ];
    for (const [x, s] of cases) expect(javaDouble(x), String(x)).toBe(s);
  });

  it('writes key ids in RELAXED form', () => {
    expect(relaxedId(new ObjectId('6650a1b2c3d4e5f607182930'))).toBe('{"$oid": "6650a1b2c3d4e5f607182930"}');
    expect(relaxedId('123')).toBe('"123"');
    expect(relaxedId(2147483657n)).toBe('2147483657');
  });
});

describe('catalogObjectId', () => {
  it('is deterministic and ends in the product_id', () => {
    expect(catalogObjectId(5600).toHexString()).toBe('6592008000000000000015e0');
    expect(catalogObjectId(5600).equals(catalogObjectId(5600))).toBe(true);
    expect(() => catalogObjectId(-1)).toThrow(RangeError);
  });
});

describe('catalogSnapshotEvents', () => {
  const docs = [
    { type: 'smart phone', model: 'platina', 'screen size': 5.5, product_id: 5600 },
    { type: 'smart phone', model: 'bn20', 'screen size': 6, product_id: 5601 },
  ];
  const events = catalogSnapshotEvents(docs, { topicPrefix: 'softcart', nowMs: 1_718_000_000_000 });

  it('writes snapshot reads, the last marked last, _id first', () => {
    expect(events.map((e) => [e.value.op, e.value.source.snapshot])).toEqual([
      ['r', 'true'],
      ['r', 'last'],
    ]);
    expect(events[0]!.key).toEqual({ id: '{"$oid": "6592008000000000000015e0"}' });
    expect(events[0]!.value.after).toBe(
      '{"_id": {"$oid": "6592008000000000000015e0"},"type": "smart phone","model": "platina","screen size": 5.5,"product_id": 5600}',
    );
    expect(events[1]!.value.source).toMatchObject({
      connector: 'mongodb',
      name: 'softcart',
      db: 'catalog',
      collection: 'electronics',
      ts_ms: 1_718_000_000_000n,
      wallTime: 1_718_000_000_000n,
      ord: -1,
    });
  });

  it('encodes with the exact schemas and maps back through mongoChange', () => {
    const k = parseAvroSchema(mongoKeySchema('softcart', 'catalog', 'electronics'));
    const v = parseAvroSchema(mongoValueSchema('softcart', 'catalog', 'electronics'));
    const e = events[1]!;
    const ev = mongoChange(
      { schemaId: 1, type: k, schema: {}, value: k.fromBuffer(k.toBuffer(e.key)) as typeof e.key },
      { schemaId: 2, type: v, schema: {}, value: v.fromBuffer(v.toBuffer(e.value)) as typeof e.value },
      '1',
    );
    expect(ev.key).toEqual({ _id: '6592008000000000000015e1' });
    expect(JSON.parse(ev.row!.document as string)).toEqual({ _id: '6592008000000000000015e1', ...docs[1] });
  });
});
