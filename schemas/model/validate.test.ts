import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { SOFTCART_SOURCE_COLUMNS, softcartModel } from '../softcart.js';
import type { StarModel } from './types.js';
import { assertValidModel, incompatibility, type SourceColumns, validateModel } from './validate.js';

/** A deep copy of the SoftCart model to break. */
function model(): StarModel {
  return structuredClone(softcartModel);
}
const dim = (m: StarModel, name: string) => m.dimensions.find((d) => d.name === name)!;
const fact = (m: StarModel) => m.facts[0]!;

describe('validateModel', () => {
  it('accepts the SoftCart model', () => {
    expect(validateModel(softcartModel, SOFTCART_SOURCE_COLUMNS)).toEqual([]);
  });

  it('reports duplicate table and column names', () => {
    const m = model();
    dim(m, 'DimItem').attributes.push({ name: 'item', from: 'model', type: { type: 'text' } });
    m.dimensions.push({ ...structuredClone(dim(m, 'DimCountry')), name: 'dimcountry' });
    dim(m, 'DimCustomer').attributes.push({ name: 'Valid_From', from: 'country', type: { type: 'text' } });
    expect(validateModel(m)).toEqual(
      expect.arrayContaining([
        'dimensions.DimItem: duplicate column name "item" (attribute)',
        'dimensions.dimcountry: duplicate table name "dimcountry" (already used by dimensions.DimCountry)',
        'dimensions.DimCustomer: duplicate column name "valid_from" (valid-from; collides with "Valid_From" ignoring case)',
      ]),
    );
  });

  it('reports a fact referencing a missing dimension and broken through-links', () => {
    const m = model();
    fact(m).dimensions.push({ dimension: 'DimStore', column: 'store_id' });
    fact(m).dimensions[1] = {
      dimension: 'DimCategory',
      through: { dimension: 'DimItem', attribute: 'kind' },
    };
    fact(m).dimensions[3] = {
      dimension: 'DimCountry',
      through: { dimension: 'DimShop', attribute: 'country' },
    };
    expect(validateModel(m)).toEqual([
      'facts.FactSales.dimensions.DimCategory: goes through "DimItem.kind", which is not an attribute of "DimItem"',
      'facts.FactSales.dimensions.DimCountry: goes through dimension "DimShop", which the model does not declare',
      'facts.FactSales.dimensions.DimStore: references dimension "DimStore", which the model does not declare',
    ]);
  });

  it('reports a through-link via a dimension the fact does not link, and a key type mismatch', () => {
    const m = model();
    fact(m).dimensions = fact(m).dimensions.filter((l) => l.dimension !== 'DimCustomer');
    dim(m, 'DimCountry').naturalKey.type = { type: 'int' };
    expect(validateModel(m)).toEqual([
      'facts.FactSales.dimensions.DimCountry: goes through "DimCustomer", which this fact does not link (add a link to "DimCustomer" first)',
      'facts.FactSales.dimensions.DimCountry: "DimCustomer.country" (text(64)) cannot hold the natural key of "DimCountry" (int)',
    ]);
  });

  it('reports derived measures over non-measures, non-numeric operands, itself, or a lossy scale', () => {
    const m = model();
    fact(m).measures = [
      { name: 'quantity', from: 'quantity', type: { type: 'int' } },
      { name: 'note', from: 'price', type: { type: 'text' } },
      { name: 'price', from: 'price', type: { type: 'decimal', precision: 10, scale: 2 } },
      { name: 'amount', product: ['price', 'qty'], type: { type: 'decimal', precision: 20, scale: 2 } },
      { name: 'odd', product: ['note', 'odd'], type: { type: 'text' } },
      { name: 'square', product: ['price', 'price'], type: { type: 'decimal', precision: 20, scale: 2 } },
    ];
    expect(validateModel(m)).toEqual([
      'facts.FactSales.measures.amount: operand "qty" is not a measure of FactSales',
      'facts.FactSales.measures.odd: a derived measure must be numeric, not text',
      'facts.FactSales.measures.odd: operand "note" is text, not numeric',
      'facts.FactSales.measures.odd: operand "odd" is the measure itself',
      'facts.FactSales.measures.square: decimal(20,2) keeps 2 decimal digits, the product of its operands has 4',
    ]);
  });

  it('checks attribute types against the source columns when given', () => {
    const m = model();
    fact(m).measures[1] = {
      name: 'price',
      from: 'customer_note',
      type: { type: 'decimal', precision: 10, scale: 2 },
    };
    fact(m).measures[0] = {
      name: 'quantity',
      from: 'quantity',
      type: { type: 'decimal', precision: 5, scale: 2 },
    };
    dim(m, 'DimItem').attributes[0]!.type = { type: 'int' };
    const sources: SourceColumns = {
      ...SOFTCART_SOURCE_COLUMNS,
      'sales.sales_data': {
        ...(SOFTCART_SOURCE_COLUMNS as Record<string, Record<string, { kind: 'int32' }>>)['sales.sales_data'],
        customer_note: { kind: 'string' },
        timestamp: { kind: 'string' },
      },
    };
    expect(validateModel(m, sources)).toEqual([
      'dimensions.DimItem.attributes.item: int cannot come from source column "model" (string): not an integer column',
      'facts.FactSales.eventTime: source column "timestamp" is string, not a date or timestamp',
      'facts.FactSales.measures.quantity: decimal(5,2) cannot come from source column "quantity" (int32): a 32-bit integer needs 10 integer digits, decimal(5,2) has 3',
      'facts.FactSales.measures.price: decimal(10,2) cannot come from source column "customer_note" (string): not a numeric column',
      // A consequence: price × quantity now has 4 decimal digits.
      'facts.FactSales.measures.amount: decimal(20,2) keeps 2 decimal digits, the product of its operands has 4',
    ]);
    // Without sources nothing about columns can be said (the model's own consistency still is).
    expect(validateModel(m)).toEqual([
      'facts.FactSales.measures.amount: decimal(20,2) keeps 2 decimal digits, the product of its operands has 4',
    ]);
  });

  it('reports unknown source columns and tables', () => {
    const m = model();
    dim(m, 'DimItem').attributes[0]!.from = 'name';
    fact(m).source = { namespace: 'sales', table: 'orders', shape: 'row' };
    expect(validateModel(m, SOFTCART_SOURCE_COLUMNS)).toEqual([
      'dimensions.DimItem.attributes.item: unknown source field "name" in catalog.electronics',
      'facts.FactSales.source: unknown source table sales.orders',
    ]);
  });

  it('reports names too long for PostgreSQL (63 bytes) or Db2 (128)', () => {
    const m = model();
    dim(m, 'DimItem').attributes[0]!.name = 'x'.repeat(64);
    dim(m, 'DimItem').attributes[1]!.name = 'é'.repeat(65); // 130 bytes
    const problems = validateModel(m);
    expect(problems).toEqual([
      `dimensions.DimItem.columns.${'x'.repeat(64)}: column name "${'x'.repeat(64)}" is 64 bytes: longer than PostgreSQL's 63`,
      `dimensions.DimItem.columns.${'é'.repeat(65)}: column name "${'é'.repeat(65)}" is 130 bytes: longer than PostgreSQL's 63 and Db2's 128`,
      `dimensions.DimItem.columns.${'é'.repeat(65)}: column name "${'é'.repeat(65)}" is not a valid Avro field name ([A-Za-z_][A-Za-z0-9_]*)`,
      // The fact's through-link names the renamed attribute.
      'facts.FactSales.dimensions.DimCategory: goes through "DimItem.category", which is not an attribute of "DimItem"',
    ]);
  });

  it('reports a through-link ending at a versioned dimension, a two-hop chain and a bad dimension event time', () => {
    const m = model();
    dim(m, 'DimCountry').scd = 2;
    dim(m, 'DimCustomer').eventTime = 'country';
    const f = fact(m);
    f.dimensions[1] = {
      dimension: 'DimCategory',
      through: { dimension: 'DimCountry', attribute: 'country' },
    };
    expect(validateModel(m, SOFTCART_SOURCE_COLUMNS)).toEqual([
      'dimensions.DimCustomer.eventTime: source column "country" is string, not a date or timestamp',
      'facts.FactSales.dimensions.DimCategory: goes through "DimCountry", which is itself linked through another dimension: one hop only',
      'facts.FactSales.dimensions.DimCountry: a through-link must end at a type-1 dimension; "DimCountry" keeps type-2 versions',
    ]);
  });

  it('reports an empty grain and bad decimal types', () => {
    const m = model();
    fact(m).grain = [];
    fact(m).measures[1]!.type = { type: 'decimal', precision: 40, scale: 41 };
    expect(validateModel(m)).toEqual([
      "facts.FactSales.columns.price: decimal precision 40 is outside 1..31 (Db2's limit)",
      'facts.FactSales.columns.price: decimal scale 41 is outside 0..precision (40)',
      'facts.FactSales.grain: the grain is empty: a fact needs at least one key column',
      'facts.FactSales.measures.amount: decimal(20,2) keeps 2 decimal digits, the product of its operands has 41',
    ]);
  });

  it('reports cycles of derived measures', () => {
    const m = model();
    fact(m).measures.push(
      { name: 'a', product: ['b', 'quantity'], type: { type: 'bigint' } },
      { name: 'b', product: ['a', 'quantity'], type: { type: 'bigint' } },
    );
    expect(validateModel(m)).toEqual([
      'facts.FactSales.measures.a: derived measures form a cycle through "a"',
      'facts.FactSales.measures.b: derived measures form a cycle through "b"',
    ]);
  });

  it('assertValidModel throws one UserError listing every problem', () => {
    const m = model();
    fact(m).grain = [];
    fact(m).dimensions.push({ dimension: 'DimStore', column: 'store_id' });
    let error: unknown;
    try {
      assertValidModel(m);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('MODEL_INVALID');
    expect((error as UserError).message).toBe(
      [
        'The star model "softcart" has 2 problems:',
        '  - facts.FactSales.grain: the grain is empty: a fact needs at least one key column',
        '  - facts.FactSales.dimensions.DimStore: references dimension "DimStore", which the model does not declare',
      ].join('\n'),
    );
  });

  it('incompatibility covers the type matrix', () => {
    expect(incompatibility({ type: 'bigint' }, { kind: 'int64' })).toBeUndefined();
    expect(incompatibility({ type: 'int' }, { kind: 'int64' })).toMatch(/bigint/);
    expect(
      incompatibility(
        { type: 'decimal', precision: 10, scale: 2 },
        { kind: 'decimal', precision: 10, scale: 3 },
      ),
    ).toMatch(/3 decimal digits/);
    expect(incompatibility({ type: 'timestamp' }, { kind: 'timestamptz' })).toBeUndefined();
    expect(incompatibility({ type: 'boolean' }, { kind: 'int16' })).toMatch(/boolean/);
    expect(incompatibility({ type: 'text' }, { kind: 'json' })).toMatch(/text/);
  });
});
