import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../core/codec/types.js';
import { softcartModel } from '../../schemas/softcart.js';
import { BadRecordError, type ChangeEvent } from '../../sinks/envelope/types.js';
import { toEpochMicros } from '../time.js';
import { decodeRecord, dimensionSchemas, encodeRecord, factSchemas } from './avro-schemas.js';
import { ModelMapper } from './mapper.js';

const mapper = new ModelMapper(softcartModel, new Map([['sales', 'shop']]));

function change(
  table: string,
  op: ChangeEvent['op'],
  row: ChangeEvent['row'],
  key: ChangeEvent['key'],
): ChangeEvent {
  const namespace = table === 'electronics' ? 'catalog' : 'shop';
  return {
    table: { namespace, name: table },
    op,
    keyColumns: Object.keys(key),
    key,
    row,
    columns: [],
    position: 'b:0000000001:00000000000000000100:000000:00000000000000000007',
    sourceTsMs: 1_700_000_000_000,
  };
}

describe('ModelMapper (the SoftCart model)', () => {
  it('reads the sources under their mapped namespace only', () => {
    expect(mapper.reads('shop', 'sales_data')).toBe(true);
    expect(mapper.reads('sales', 'sales_data')).toBe(false);
    expect(mapper.sources()).toEqual(
      expect.arrayContaining([
        { namespace: 'shop', table: 'sales_data' },
        { namespace: 'shop', table: 'customers' },
        { namespace: 'catalog', table: 'electronics' },
      ]),
    );
  });

  it('a sale becomes a fact upsert: grain, linked natural keys, event time and the exact derived amount', () => {
    const row = {
      rowid: 7,
      product_id: 5600,
      customer_id: 3,
      price: '99999999.99',
      quantity: 5,
      timestamp: '2020-09-05T17:03:28.000000',
      commit_ts: null,
    };
    const [r] = mapper.map(change('sales_data', 'c', row, { rowid: 7 }));
    expect(r).toEqual({
      kind: 'fact',
      table: 'FactSales',
      op: 'upsert',
      grain: { orderid: 7 },
      links: { DimItem: 5600, DimCustomer: 3 },
      eventTime: toEpochMicros('2020-09-05 17:03:28'),
      measures: { quantity: 5, price: '99999999.99', amount: '499999999.95' },
      position: expect.stringMatching(/^b:/),
      sourceTsMs: 1_700_000_000_000,
    });
  });

  it('a deleted sale becomes a delete of its grain, from the source key', () => {
    const [r] = mapper.map(change('sales_data', 'd', null, { rowid: 7 }));
    expect(r).toMatchObject({
      kind: 'fact',
      op: 'delete',
      grain: { orderid: 7 },
      eventTime: null,
      measures: {},
    });
  });

  it('a customer change makes a DimCustomer change at its business time and a DimCountry member', () => {
    const out = mapper.map(
      change(
        'customers',
        'u',
        { customer_id: 3, country: 'Ελλάδα', updated_at: '2020-09-10T00:00:01.500000' },
        { customer_id: 3 },
      ),
    );
    expect(out.map((r) => [r.table, r.kind === 'dimension' ? r.naturalKey : null])).toEqual([
      ['DimCountry', 'Ελλάδα'],
      ['DimCustomer', 3],
    ]);
    expect(out[1]).toMatchObject({
      attributes: { country: 'Ελλάδα' },
      eventTime: toEpochMicros('2020-09-10 00:00:01.5'),
    });
    // Without the business time (an event from before the column existed): the source commit time.
    const old = mapper.map(change('customers', 'r', { customer_id: 4, country: 'Peru' }, { customer_id: 4 }));
    expect(old[1]).toMatchObject({ eventTime: 1_700_000_000_000_000n });
    // A source delete of a customer keeps its members (facts of the past point at them).
    expect(mapper.map(change('customers', 'd', null, { customer_id: 3 }))).toEqual([]);
  });

  it('a catalog document makes DimItem and DimCategory changes at the source commit time', () => {
    const doc = { _id: { $oid: 'x' }, type: 'laptop', model: 'Yoga', 'screen size': 14.1, product_id: 5601 };
    const out = mapper.map(
      change('electronics', 'r', { _id: '{"$oid":"x"}', document: JSON.stringify(doc) }, { _id: 'x' }),
    );
    expect(out).toEqual([
      expect.objectContaining({
        table: 'DimCategory',
        naturalKey: 'laptop',
        attributes: {},
        eventTime: 1_700_000_000_000_000n,
      }),
      expect.objectContaining({
        table: 'DimItem',
        naturalKey: 5601,
        attributes: { item: 'Yoga', category: 'laptop' },
      }),
    ]);
  });

  it('rejects a sale without an event time or with a price the warehouse cannot hold, as bad records', () => {
    const row = { rowid: 8, product_id: 5600, customer_id: 3, price: '1.00', quantity: 1, timestamp: null };
    expect(() => mapper.map(change('sales_data', 'c', row, { rowid: 8 }))).toThrow(BadRecordError);
    expect(() =>
      mapper.map(
        change('sales_data', 'c', { ...row, timestamp: '2020-01-01T00:00:00', price: '1.005' }, { rowid: 8 }),
      ),
    ).toThrow(/decimal digits/);
  });
});

describe('conformed Avro schemas', () => {
  it('round-trip fact and dimension records through their registered schemas', () => {
    const fact = softcartModel.facts[0]!;
    const customer = softcartModel.dimensions.find((d) => d.name === 'DimCustomer')!;
    const row = {
      rowid: 9,
      product_id: 5600,
      customer_id: 3,
      price: '12.30',
      quantity: 2,
      timestamp: '2020-01-01T00:00:00',
    };
    for (const [r, schemas] of [
      [mapper.map(change('sales_data', 'c', row, { rowid: 9 }))[0]!, factSchemas(softcartModel, fact)],
      [mapper.map(change('sales_data', 'd', null, { rowid: 9 }))[0]!, factSchemas(softcartModel, fact)],
      [
        mapper.map(
          change(
            'customers',
            'c',
            { customer_id: 3, country: 'X', updated_at: '2020-01-01T00:00:00' },
            { customer_id: 3 },
          ),
        )[1]!,
        dimensionSchemas(softcartModel, customer),
      ],
    ] as const) {
      const { key, value } = encodeRecord(softcartModel, r);
      const keyType = parseAvroSchema(JSON.stringify(schemas.key));
      const valueType = parseAvroSchema(JSON.stringify(schemas.value));
      keyType.fromBuffer(keyType.toBuffer(key));
      const back = valueType.fromBuffer(valueType.toBuffer(value)) as Record<string, unknown>;
      expect(decodeRecord(softcartModel, r.table, back)).toEqual(r);
    }
  });
});
