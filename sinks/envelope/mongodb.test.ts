import { describe, expect, it } from 'vitest';
import type { Decoded } from '../../core/codec/avro-codec.js';
import { parseAvroSchema } from '../../core/codec/types.js';
import { mongoChange, mongoPosition } from './mongodb.js';
import {
  type MongoEnvelope,
  type MongoKey,
  type MongoSource,
  mongoKeySchema,
  mongoValueSchema,
} from './mongodb-schema.js';
import { BadRecordError } from './types.js';

// Events as Debezium 3.6's MongoDB connector writes them (see mongodb-schema.ts for the sources): documents
// in the Java driver's STRICT JSON with its compact layout, keys in RELAXED JSON.
const keySchema = mongoKeySchema('softcart', 'catalog', 'electronics');
const valueSchema = mongoValueSchema('softcart', 'catalog', 'electronics');
const keyType = parseAvroSchema(keySchema);
const valueType = parseAvroSchema(valueSchema);

/** Through the Avro binary form and back, as the events travel through Kafka. */
function decoded<T>(
  type: ReturnType<typeof parseAvroSchema>,
  schema: Record<string, unknown>,
  value: T,
): Decoded<T> {
  return { schemaId: 1, type, schema, value: type.fromBuffer(type.toBuffer(value)) as T };
}
const key = (id: string) => decoded<MongoKey>(keyType, keySchema, { id });

function source(over: Partial<MongoSource> = {}): MongoSource {
  return {
    version: '3.6.1.Final',
    connector: 'mongodb',
    name: 'softcart',
    ts_ms: 1_718_000_000_123n,
    snapshot: 'false',
    db: 'catalog',
    sequence: null,
    ts_us: 1_718_000_000_123_000n,
    ts_ns: 1_718_000_000_123_000_000n,
    collection: 'electronics',
    ord: 3,
    lsid: null,
    txnNumber: null,
    wallTime: 1_718_000_000_123n,
    ...over,
  };
}

function value(over: Partial<MongoEnvelope>): Decoded<MongoEnvelope> {
  return decoded<MongoEnvelope>(valueType, valueSchema, {
    before: null,
    after: null,
    updateDescription: null,
    source: source(),
    op: 'c',
    ts_ms: 1_718_000_000_200n,
    transaction: null,
    ...over,
  });
}

const OID = '6650a1b2c3d4e5f607182930';
const RICH =
  `{"_id": {"$oid": "${OID}"},"type": "smart phone","model": "Zoë 日本 🐦‍🔥","screen size": 6.5,"stock": 12,` +
  '"views": {"$numberLong": "9007199254740993"},"max": {"$numberLong": "-9223372036854775808"},' +
  '"price": {"$numberDecimal": "1234567890.123456789012345678901234"},"launched": {"$date": 1718000000123},' +
  '"dims": {"h": 146.7,"w": 71.5,"weight": {"$numberLong": "174"}},"tags": ["5g",{"k": {"$numberDecimal": "0.10"}},[1,2]],' +
  '"big": 3.0E9,"tiny": 1.0E-5,"ok": true,"none": null,"empty": {},"list": []}';

describe('mongoChange', () => {
  it('maps an insert: _id as the ObjectId hex, the document as lossless JSON', () => {
    const ev = mongoChange(key(`{"$oid": "${OID}"}`), value({ op: 'c', after: RICH }), '42');
    expect(ev.table).toEqual({ namespace: 'catalog', name: 'electronics' });
    expect(ev.op).toBe('c');
    expect(ev.keyColumns).toEqual(['_id']);
    expect(ev.key).toEqual({ _id: OID });
    expect(ev.columns).toEqual([
      { name: '_id', kind: 'string', optional: false },
      { name: 'document', kind: 'json', optional: false },
    ]);
    expect(ev.row!._id).toBe(OID);
    // Exact text: Int64 and Decimal128 as strings with every digit, the date in ISO (milliseconds), doubles
    // and Int32 as numbers, field order kept.
    expect(ev.row!.document).toBe(
      `{"_id":"${OID}","type":"smart phone","model":"Zoë 日本 🐦‍🔥","screen size":6.5,"stock":12,` +
        '"views":"9007199254740993","max":"-9223372036854775808",' +
        '"price":"1234567890.123456789012345678901234","launched":"2024-06-10T06:13:20.123Z",' +
        '"dims":{"h":146.7,"w":71.5,"weight":"174"},"tags":["5g",{"k":"0.10"},[1,2]],' +
        '"big":3000000000,"tiny":0.00001,"ok":true,"none":null,"empty":{},"list":[]}',
    );
    expect(ev.sourceTsMs).toBe(1_718_000_000_123);
    expect(ev.position).toBe('m:001718000000123:0000000003:00000000000000000042');
  });

  it('maps an update carrying the full document (capture.mode=change_streams_update_full)', () => {
    const ev = mongoChange(
      key(`{"$oid": "${OID}"}`),
      value({
        op: 'u',
        after: `{"_id": {"$oid": "${OID}"},"type": "laptop","stock": {"$numberLong": "9223372036854775807"}}`,
        updateDescription: {
          removedFields: ['model'],
          updatedFields: '{"type": "laptop", "stock": 9223372036854775807}',
          truncatedArrays: null,
        },
        source: source({ ord: 4 }),
      }),
      '43',
    );
    expect(ev.op).toBe('u');
    expect(ev.row).toEqual({
      _id: OID,
      document: `{"_id":"${OID}","type":"laptop","stock":"9223372036854775807"}`,
    });
    expect(ev.position).toBe('m:001718000000123:0000000004:00000000000000000043');
  });

  it('maps a delete to a null row, keyed by _id', () => {
    const ev = mongoChange(key(`{"$oid": "${OID}"}`), value({ op: 'd', source: source({ ord: 5 }) }), '44');
    expect(ev.op).toBe('d');
    expect(ev.key).toEqual({ _id: OID });
    expect(ev.row).toBeNull();
  });

  it('maps a delete with a pre-image the same way (before is not needed)', () => {
    const ev = mongoChange(key(`{"$oid": "${OID}"}`), value({ op: 'd', before: RICH }), '45');
    expect(ev.row).toBeNull();
  });

  it('maps a snapshot read; ord -1 (no cluster time) counts as 0', () => {
    const ev = mongoChange(
      key(`{"$oid": "${OID}"}`),
      value({
        op: 'r',
        after: `{"_id": {"$oid": "${OID}"},"product_id": 5600}`,
        source: source({ ord: -1, snapshot: 'last' }),
      }),
      '0',
    );
    expect(ev.op).toBe('r');
    expect(ev.row!.document).toBe(`{"_id":"${OID}","product_id":5600}`);
    expect(ev.position).toBe('m:001718000000123:0000000000:00000000000000000000');
  });

  it('keeps binary, UUID, timestamp, regex and DBRef values exact', () => {
    const after =
      '{"_id": 7,"bin": {"$binary": "AQID", "$type": "00"},"uuid": {"$binary": "ASNFZ4mrze8BI0VniavN7w==", "$type": "04"},' +
      '"ts": {"$timestamp": {"t": 1718000000, "i": 7}},"re": {"$regex": "^a.c$", "$options": "i"},' +
      '"ref": {"$ref": "othercollection","$id": 15},"old": {"$date": -86400000}}';
    const ev = mongoChange(key('7'), value({ after }), '1');
    expect(JSON.parse(ev.row!.document as string)).toEqual({
      _id: 7,
      bin: 'AQID',
      uuid: '01234567-89ab-cdef-0123-456789abcdef',
      ts: { t: 1718000000, i: 7 },
      re: '/^a.c$/i',
      ref: { $ref: 'othercollection', $id: 15 },
      old: '1969-12-31T00:00:00.000Z',
    });
  });

  it('rejects an update without the full document, telling the operator what to set', () => {
    const partial = value({
      op: 'u',
      after: null,
      updateDescription: { removedFields: null, updatedFields: '{"stock": 11}', truncatedArrays: null },
    });
    let err: unknown;
    try {
      mongoChange(key(`{"$oid": "${OID}"}`), partial, '9');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadRecordError);
    expect((err as BadRecordError).code).toBe('MONGO_PARTIAL_UPDATE');
    expect((err as BadRecordError).message).toContain('capture.mode');
    expect((err as BadRecordError).message).toContain('change_streams_update_full');
  });

  describe('key forms', () => {
    const cases: Array<[string, string, string]> = [
      ['ObjectId', `{"$oid": "${OID}"}`, OID],
      ['string', '"SKU-0042"', 'SKU-0042'],
      ['string with quotes and unicode', '"a\\"b ü"', 'a"b ü'],
      ['Int32', '42', '42'],
      ['Int64 beyond 2^53 (RELAXED: a bare number)', '2147483657123456789', '2147483657123456789'],
      ['negative number', '-5', '-5'],
      ['Double', '1.5', '1.5'],
      ['Decimal128', '{"$numberDecimal": "123.45678"}', '123.45678'],
      [
        'document',
        '{"company": 32,"dept": "home improvement"}',
        '{"company": 32,"dept": "home improvement"}',
      ],
      ['date', '{"$date": "2017-10-19T00:00:00Z"}', '{"$date": "2017-10-19T00:00:00Z"}'],
    ];
    for (const [name, raw, id] of cases) {
      it(`${name}: ${raw} -> ${id}`, () => {
        const ev = mongoChange(key(raw), value({ op: 'd' }), '1');
        expect(ev.key).toEqual({ _id: id });
      });
    }
  });

  it('rejects events it cannot apply with coded errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as BadRecordError).code;
      }
      return 'no error';
    };
    const k = key(`{"$oid": "${OID}"}`);
    expect(code(() => mongoChange(k, value({ op: 'x' }), '1'))).toBe('OP_UNKNOWN');
    expect(code(() => mongoChange(k, value({ op: null }), '1'))).toBe('OP_UNKNOWN');
    expect(code(() => mongoChange(null, value({ op: 'd' }), '1'))).toBe('KEY_INVALID');
    expect(code(() => mongoChange(k, value({ op: 'c' }), '1'))).toBe('ROW_MISSING');
    expect(code(() => mongoChange(k, value({ op: 'c', after: '{"a": ' }), '1'))).toBe(
      'MONGO_DOCUMENT_INVALID',
    );
    expect(code(() => mongoChange(k, value({ op: 'c', after: '[1]' }), '1'))).toBe('MONGO_DOCUMENT_INVALID');
    expect(code(() => mongoChange(k, value({ op: 'd' }), 'x'))).toBe('POSITION_INVALID');
  });
});

describe('mongoPosition', () => {
  it('orders by ts_ms, then ord, then the Kafka offset, as strings', () => {
    const ordered = [
      mongoPosition({ ts_ms: 999n, ord: 9 }, '99999'),
      mongoPosition({ ts_ms: 1000n, ord: -1 }, '5'),
      mongoPosition({ ts_ms: 1000n, ord: 2 }, '3'),
      mongoPosition({ ts_ms: 1000n, ord: 10 }, '1'),
      mongoPosition({ ts_ms: 1000n, ord: 10 }, '2'),
      mongoPosition({ ts_ms: 10_000_000_000_000n, ord: 1 }, '0'),
    ];
    expect([...ordered].sort()).toEqual(ordered);
    expect(new Set(ordered.map((p) => p.length)).size).toBe(1);
  });
});
