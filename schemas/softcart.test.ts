import { describe, expect, it } from 'vitest';
import { dimensionColumns, factColumns } from './model/columns.js';
import { assertValidModel, validateModel } from './model/validate.js';
import { SOFTCART_SOURCE_COLUMNS, softcartModel } from './softcart.js';

describe('the SoftCart star model', () => {
  it('is valid, with and without the staging column kinds', () => {
    expect(validateModel(softcartModel)).toEqual([]);
    expect(validateModel(softcartModel, SOFTCART_SOURCE_COLUMNS)).toEqual([]);
    expect(() => assertValidModel(softcartModel, SOFTCART_SOURCE_COLUMNS)).not.toThrow();
  });

  it('declares the course tables', () => {
    expect(softcartModel.dimensions.map((d) => d.name).sort()).toEqual([
      'DimCategory',
      'DimCountry',
      'DimCustomer',
      'DimItem',
    ]);
    expect(softcartModel.dateDimension.name).toBe('DimDate');
    expect(factColumns(softcartModel.facts[0]!, softcartModel).map((c) => c.name)).toEqual([
      'orderid',
      'itemid',
      'categoryid',
      'customerkey',
      'countryid',
      'product_id',
      'customer_id',
      'event_time',
      'dateid',
      'quantity',
      'price',
      'amount',
      '_starling_pos',
    ]);
  });

  it('versions customers (SCD2) and overwrites items (SCD1)', () => {
    const byName = new Map(softcartModel.dimensions.map((d) => [d.name, d]));
    expect(dimensionColumns(byName.get('DimCustomer')!).map((c) => c.name)).toContain('valid_from');
    expect(dimensionColumns(byName.get('DimItem')!).map((c) => c.name)).not.toContain('valid_from');
  });

  it('would be caught by the validator if the staging price became text', () => {
    const sources = {
      ...SOFTCART_SOURCE_COLUMNS,
      'sales.sales_data': {
        ...(SOFTCART_SOURCE_COLUMNS as Record<string, object>)['sales.sales_data'],
        price: { kind: 'string' },
      },
    } as typeof SOFTCART_SOURCE_COLUMNS;
    expect(validateModel(softcartModel, sources)).toEqual([
      'facts.FactSales.measures.price: decimal(10,2) cannot come from source column "price" (string): not a numeric column',
    ]);
  });
});
