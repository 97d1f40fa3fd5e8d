import type { StarModel } from '../model/types.js';
import { softcartModel } from '../softcart.js';

/**
 * SoftCart's star one migration earlier: without DimItem.item, FactSales.amount and DimCountry (and the
 * facts' link to it), and with DimCustomer declared SCD1. Migrating it to softcartModel exercises every
 * supported step kind but widening; the unit tests and the live migration test (tests/warehouse/
 * migrate.test.ts) share it.
 */
export function softcartV1(): StarModel {
  const m = structuredClone(softcartModel);
  const item = m.dimensions.find((d) => d.name === 'DimItem')!;
  item.attributes = item.attributes.filter((a) => a.name !== 'item');
  m.dimensions = m.dimensions.filter((d) => d.name !== 'DimCountry');
  const customer = m.dimensions.find((d) => d.name === 'DimCustomer')!;
  customer.scd = 1;
  const sales = m.facts[0]!;
  sales.measures = sales.measures.filter((x) => x.name !== 'amount');
  sales.dimensions = sales.dimensions.filter((l) => l.dimension !== 'DimCountry');
  return m;
}
