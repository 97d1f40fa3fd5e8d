import { describe, expect, it } from 'vitest';
import type { StarModel } from '../model/types.js';
import { softcartModel } from '../softcart.js';
import { planWarehouse, quoteIdentifier, VALID_TO_OPEN } from './dialect-neutral.js';

describe('the dialect-neutral plan', () => {
  it('plans keys and uniqueness per table kind', () => {
    const plan = new Map(planWarehouse(softcartModel).map((t) => [t.name, t]));
    expect(plan.get('DimDate')!.primaryKey).toEqual(['dateid']);
    expect(plan.get('DimCustomer')!.unique).toEqual([['customer_id', 'valid_from']]);
    expect(plan.get('DimCountry')!.unique).toEqual([['country']]);
    expect(plan.get('FactSales')!.primaryKey).toEqual(['orderid']);
    expect(plan.get('DimCustomer')!.columns.find((c) => c.name === 'valid_to')!.default).toEqual({
      timestamp: VALID_TO_OPEN,
    });
  });

  it('an attribute marked scd 2 makes an SCD1 dimension versioned', () => {
    const m: StarModel = structuredClone(softcartModel);
    m.dimensions.find((d) => d.name === 'DimItem')!.attributes[0]!.scd = 2;
    const item = planWarehouse(m).find((t) => t.name === 'DimItem')!;
    expect(item.unique).toEqual([['product_id', 'valid_from']]);
    expect(item.columns.map((c) => c.name)).toContain('is_current');
  });

  it('a composite grain is a composite primary key', () => {
    const m: StarModel = structuredClone(softcartModel);
    m.facts[0]!.grain.push({ name: 'line', from: 'quantity', type: { type: 'int' } });
    expect(planWarehouse(m).find((t) => t.name === 'FactSales')!.primaryKey).toEqual(['orderid', 'line']);
  });

  it('quoteIdentifier refuses what cannot be quoted', () => {
    expect(quoteIdentifier('x')).toBe('"x"');
    expect(() => quoteIdentifier('')).toThrow(RangeError);
    expect(() => quoteIdentifier('a\u0000b')).toThrow(RangeError);
  });
});
