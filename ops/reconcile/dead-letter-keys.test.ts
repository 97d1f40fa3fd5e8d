import { describe, expect, it } from 'vitest';
import { softcartModel } from '../../schemas/softcart.js';
import {
  dimensionMembers,
  keysByTable,
  keyText,
  type LetterKey,
  rowImage,
  sourceFieldName,
  topicTable,
  withSourceNames,
} from './dead-letter-keys.js';
import { formatDeadLetters } from './report.js';

const names = { prefix: 'shop', conformedPrefix: 'shop.conformed' };

let offset = 0;
function letter(o: Partial<LetterKey>): LetterKey {
  return {
    group: 'starling-staging',
    sourceTopic: 'shop.sales.customers',
    sourcePartition: 0,
    sourceOffset: String(offset++),
    code: 'NOT_AVRO',
    stage: 'decode',
    timestampMs: 1000,
    key: { customer_id: 1 },
    keyPreview: null,
    row: null,
    replayed: false,
    ...o,
  };
}

describe('topicTable', () => {
  it('names raw, conformed and other topics', () => {
    expect(topicTable('shop.sales.customers', names)).toEqual({
      kind: 'raw',
      db: 'sales',
      table: 'customers',
    });
    // The conformed prefix sits under the raw one: it must win.
    expect(topicTable('shop.conformed.softcart.DimCustomer', names)).toEqual({
      kind: 'conformed',
      model: 'softcart',
      table: 'DimCustomer',
    });
    expect(topicTable('elsewhere.sales.customers', names)).toEqual({
      kind: 'other',
      topic: 'elsewhere.sales.customers',
    });
    expect(topicTable('shop.a.b.c', names)).toEqual({ kind: 'other', topic: 'shop.a.b.c' });
  });
});

describe('keysByTable', () => {
  it('groups letters by table and key with counts, codes, groups and the newest time', () => {
    const t = keysByTable(
      [
        letter({}),
        letter({ code: 'UNKNOWN_SCHEMA_ID', timestampMs: 3000 }),
        letter({ group: 'starling-conform', code: 'VALUE_INVALID', timestampMs: 2000, replayed: true }),
        letter({ key: { customer_id: 2 }, timestampMs: 5000 }),
        letter({ key: null, keyPreview: 'bytes:6b6579' }),
        letter({ sourceTopic: 'shop.sales.sales_data', key: { rowid: 7 } }),
        letter({ sourceTopic: null }),
      ],
      names,
    );
    expect(t.map((x) => [x.table, x.letters, x.keyCount])).toEqual([
      ['(no source topic)', 1, 1],
      ['sales.customers', 5, 3],
      ['sales.sales_data', 1, 1],
    ]);
    const customers = t[1]!;
    // Newest first.
    expect(customers.keys.map((k) => k.key)).toEqual(['customer_id=2', 'customer_id=1', 'bytes:6b6579']);
    expect(customers.keys[1]).toEqual({
      key: 'customer_id=1',
      values: { customer_id: 1 },
      count: 3,
      replayed: 1,
      codes: ['NOT_AVRO', 'UNKNOWN_SCHEMA_ID', 'VALUE_INVALID'],
      groups: ['starling-staging', 'starling-conform'],
      newestMs: 3000,
    });
  });

  it('counts a record dead-lettered again by the same group once, and the repeats apart', () => {
    const again = { sourceOffset: '900', sourcePartition: 0 };
    const [t] = keysByTable(
      [
        letter(again),
        letter({ ...again, timestampMs: 2000 }),
        // Another group's letter for the same record is its own.
        letter({ ...again, group: 'starling-conform', code: 'VALUE_INVALID' }),
      ],
      names,
    );
    expect(t).toMatchObject({ letters: 2, repeated: 1, keyCount: 1 });
    expect(t!.keys[0]).toMatchObject({
      count: 2,
      newestMs: 1000,
      groups: ['starling-staging', 'starling-conform'],
    });
  });

  it('lists at most the limit of keys per table and still counts them all', () => {
    const many = Array.from({ length: 30 }, (_, i) => letter({ key: { customer_id: i }, timestampMs: i }));
    const [t] = keysByTable(many, names, 10);
    expect(t!.keyCount).toBe(30);
    expect(t!.keys).toHaveLength(10);
    expect(t!.keys[0]!.key).toBe('customer_id=29');
  });

  it('names a key by its columns, or by the preview of bytes that did not decode', () => {
    expect(keyText({ key: { a: 1, b: 'x y', c: null }, keyPreview: null })).toBe('a=1, b=x y, c=null');
    expect(keyText({ key: null, keyPreview: 'bytes:00' })).toBe('bytes:00');
    expect(keyText({ key: null, keyPreview: null })).toBe('null');
  });
});

describe('dimensionMembers', () => {
  const star = ['starling-conform', 'starling-warehouse'];
  const ns = new Map([['sales', 'shop_db']]);
  const raw = 'shop.shop_db.customers';

  it('names the members of dimensions fed by the raw table, from the key or the row image', () => {
    const m = dimensionMembers(
      [
        letter({
          group: 'starling-conform',
          sourceTopic: raw,
          key: { customer_id: 5 },
          row: { country: 'Peru' },
        }),
        // Staging letters name no member: the mirror is not the star.
        letter({ group: 'starling-staging', sourceTopic: raw, key: { customer_id: 6 } }),
        // The same member twice is named once.
        letter({ group: 'starling-conform', sourceTopic: raw, key: { customer_id: 5 } }),
      ],
      names,
      softcartModel,
      ns,
      star,
    );
    expect(m).toEqual([
      { dimension: 'DimCountry', naturalKey: 'country', value: 'Peru' },
      { dimension: 'DimCustomer', naturalKey: 'customer_id', value: '5' },
    ]);
  });

  it('names the member of a dimension topic the warehouse stage dead-lettered; a fact topic names none', () => {
    const m = dimensionMembers(
      [
        letter({
          group: 'starling-warehouse',
          sourceTopic: 'shop.conformed.softcart.DimCountry',
          key: { country: 'Chile' },
        }),
        letter({
          group: 'starling-warehouse',
          sourceTopic: 'shop.conformed.softcart.FactSales',
          key: { orderid: 1 },
        }),
        letter({
          group: 'starling-warehouse',
          sourceTopic: 'shop.conformed.other.DimCountry',
          key: { country: 'X' },
        }),
      ],
      names,
      softcartModel,
      ns,
      star,
    );
    expect(m).toEqual([{ dimension: 'DimCountry', naturalKey: 'country', value: 'Chile' }]);
  });
});

describe('sourceFieldName', () => {
  it("undoes Debezium's avro_unicode adjustment, and leaves names that are not adjusted", () => {
    expect(sourceFieldName('customer_u005fid')).toBe('customer_id');
    expect(sourceFieldName('my_u0020col_u005fx')).toBe('my col_x');
    expect(sourceFieldName('customer_id')).toBe('customer_id');
    expect(sourceFieldName('orderid')).toBe('orderid');
    expect(withSourceNames({ customer_u005fid: 1, country: 'X' })).toEqual({ customer_id: 1, country: 'X' });
  });
});

describe('rowImage', () => {
  it('takes after, else before, of a change event, with source names; anything else has none', () => {
    expect(rowImage({ after: { customer_u005fid: 3 } })).toEqual({ customer_id: 3 });
    expect(rowImage({ before: { a: 1 }, after: { a: 2 } })).toEqual({ a: 2 });
    expect(rowImage({ before: { a: 1 }, after: null })).toEqual({ a: 1 });
    expect(rowImage({ hello: 'x' })).toBeNull();
    expect(rowImage('text')).toBeNull();
  });
});

describe('formatDeadLetters', () => {
  it('shows per table the keys, their codes and whether the source has them, then affected facts', () => {
    const tables = keysByTable(
      [letter({}), letter({ key: { customer_id: 2 }, code: 'VALUE_INVALID' })],
      names,
    );
    tables[0]!.keys[0]!.inSource = false;
    tables[0]!.keys[1]!.inSource = true;
    const lines = formatDeadLetters(
      {
        groups: ['starling-staging', 'starling-conform'],
        letters: 2,
        repeated: 3,
        tables,
        affectedFacts: [
          {
            dimension: 'DimCustomer',
            fact: 'FactSales',
            memberCount: 1,
            members: ['2'],
            count: 3,
            examples: [['10'], ['11']],
          },
        ],
      },
      1,
    );
    expect(lines).toEqual([
      'Dead letters (information, not differences): 2 letters in dlq.starling-staging, dlq.starling-conform (and 3 repeated: records dead-lettered again after a restart or rebalance)',
      '  sales.customers: 2 letters, 2 keys, 1 of them not in the source now (injected or deleted since)',
      '    customer_id=1: 1 (NOT_AVRO; newest 1970-01-01T00:00:01.000Z; starling-staging, not in the source)',
      '    ... and 1 more keys',
      '  DimCustomer: 1 member with dead-lettered changes; 3 FactSales facts refer to them (10; 11; ...)',
    ]);
    expect(formatDeadLetters({ groups: [], letters: 0, repeated: 0, tables: [], affectedFacts: [] })).toEqual(
      ['Dead letters: none.'],
    );
    expect(
      formatDeadLetters({
        groups: [],
        letters: 0,
        repeated: 0,
        tables: [],
        affectedFacts: [],
        error: 'down',
      }),
    ).toEqual(['DEAD LETTERS not read: down']);
  });
});
