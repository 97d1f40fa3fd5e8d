import type { StarModel } from '../model/types.js';
import { DimCategory, DimCountry, FactSales, softcartModel } from '../softcart.js';

/**
 * Whether a model has everything the course's reports read (schemas/ddl/reports.ts): the SoftCart model
 * name, FactSales with `amount` and links to DimCountry and DimCategory, and the date dimension. A star may
 * start smaller and gain these by migrations: its reports are created at the first start that has them.
 */
export function reportsFit(model: StarModel): boolean {
  const fact = model.facts.find((f) => f.name === FactSales.name);
  if (!fact) return false;
  return (
    model.name === softcartModel.name &&
    model.dateDimension.name === softcartModel.dateDimension.name &&
    fact.measures.some((m) => m.name === 'amount') &&
    [DimCountry, DimCategory].every(
      (d) =>
        model.dimensions.some((x) => x.name === d.name && x.surrogateKey === d.surrogateKey) &&
        fact.dimensions.some((l) => l.dimension === d.name),
    )
  );
}
