import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../core/codec/types.js';
import { mongoChange, mongoPosition } from '../../sinks/envelope/mongodb.js';
import { mongoKeySchema, mongoValueSchema } from '../../sinks/envelope/mongodb-schema.js';
import { ChangeClock, catalogChangeEvent } from './changes.js';

const doc = { type: 'laptop', model: 'late-6038', 'screen size': 15.6, ram: '8GB', product_id: 6038 };
const at = { topicPrefix: 'softcart', tsMs: 1_718_000_000_123, ord: 2 };

describe('catalogChangeEvent', () => {
  it('writes an insert as op c with the whole document and no update description', () => {
    const e = catalogChangeEvent(doc, { op: 'c' }, at);
    expect(e.key).toEqual({ id: '{"$oid": "659200800000000000001796"}' });
    expect(e.value).toMatchObject({
      before: null,
      after:
        '{"_id": {"$oid": "659200800000000000001796"},"type": "laptop","model": "late-6038","screen size": 15.6,"ram": "8GB","product_id": 6038}',
      updateDescription: null,
      op: 'c',
      ts_ms: 1_718_000_000_123n,
      transaction: null,
    });
    expect(e.value.source).toMatchObject({
      connector: 'mongodb',
      name: 'softcart',
      db: 'catalog',
      collection: 'electronics',
      snapshot: 'false',
      ts_ms: 1_718_000_000_123n,
      wallTime: 1_718_000_000_123n,
      ord: 2,
      lsid: null,
      txnNumber: null,
    });
  });

  it('writes an update as op u with the full document after it and the fields it set', () => {
    const e = catalogChangeEvent(
      { ...doc, type: 'television' },
      { op: 'u', updatedFields: { type: 'television' } },
      at,
    );
    expect(e.value.op).toBe('u');
    expect(e.value.before).toBeNull();
    expect(JSON.parse(e.value.after!)).toMatchObject({ type: 'television', product_id: 6038 });
    expect(e.value.updateDescription).toEqual({
      removedFields: null,
      updatedFields: '{"type": "television"}',
      truncatedArrays: null,
    });
  });

  it('encodes with the exact schemas and maps back through mongoChange', () => {
    const k = parseAvroSchema(mongoKeySchema('softcart', 'catalog', 'electronics'));
    const v = parseAvroSchema(mongoValueSchema('softcart', 'catalog', 'electronics'));
    const e = catalogChangeEvent(doc, { op: 'u', updatedFields: { type: 'laptop' } }, at);
    const ev = mongoChange(
      { schemaId: 1, type: k, schema: {}, value: k.fromBuffer(k.toBuffer(e.key)) as typeof e.key },
      { schemaId: 2, type: v, schema: {}, value: v.fromBuffer(v.toBuffer(e.value)) as typeof e.value },
      '7',
    );
    expect(ev.op).toBe('u');
    expect(ev.key).toEqual({ _id: '659200800000000000001796' });
    expect(JSON.parse(ev.row!.document as string)).toEqual({ _id: '659200800000000000001796', ...doc });
    expect(ev.position).toBe(mongoPosition({ ts_ms: 1_718_000_000_123n, ord: 2 }, '7'));
  });
});

describe('ChangeClock', () => {
  it('orders successive changes strictly by (ts_ms, ord), even when the wall clock stalls or steps back', () => {
    const clock = new ChangeClock();
    const walls = [5_000, 5_000, 5_400, 5_100, 5_999, 6_000, 6_000, 12_345];
    const stamps = walls.map((w) => clock.next(w));
    expect(stamps).toEqual([
      { tsMs: 5_000, ord: 1 },
      { tsMs: 5_000, ord: 2 },
      { tsMs: 5_400, ord: 3 },
      { tsMs: 5_400, ord: 4 },
      { tsMs: 5_999, ord: 5 },
      { tsMs: 6_000, ord: 1 },
      { tsMs: 6_000, ord: 2 },
      { tsMs: 12_345, ord: 1 },
    ]);
    // The sink's position (offsets aside) never goes back nor repeats.
    const positions = stamps.map((s) => mongoPosition({ ts_ms: BigInt(s.tsMs), ord: s.ord }, '0'));
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });
});
