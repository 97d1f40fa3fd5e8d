/**
 * The data contract that makes the course's files one company (docs/product.md, "SoftCart: the reference
 * data set"). Pure rules, shared by the seeds, the workload generator and (later) the processors.
 */

/** The catalog's first product id: catalog.json line i is product 5600 + i. */
export const CATALOG_BASE = 5600;
/** Documents in the course's catalog.json (and in the generated catalog). */
export const CATALOG_SIZE = 438;
/** Countries in DimCountry.csv (and in the built-in list). */
export const COUNTRY_COUNT = 56;
/**
 * customers.updated_at of every seeded customer: when its values took effect, on the clock of
 * sales_data.`timestamp`. Before the first course sale (2020-09-05), so every seeded sale finds its
 * customer's version in effect.
 */
export const SEED_CUSTOMER_UPDATED_AT = '2019-01-01 00:00:00';

/**
 * Folds a course product id (5600–9000) onto the catalog (5600–6037), so every sale resolves to exactly one
 * catalog document. The double mod keeps ids below 5600 in range too.
 */
export function foldProductId(productId: number, catalogSize = CATALOG_SIZE): number {
  const offset = (((productId - CATALOG_BASE) % catalogSize) + catalogSize) % catalogSize;
  return CATALOG_BASE + offset;
}

/**
 * The country of a customer. Rule: the countries sorted by their countryid (DimCountry.csv's order, ids
 * 1–56), and customer c gets the one at 0-based index (c mod 56), i.e. countryid (c mod 56) + 1.
 * Deterministic, needs no stored mapping, and spreads the customers evenly.
 */
export function countryFor(customerId: number, countriesById: readonly string[]): string {
  if (countriesById.length === 0) throw new Error('no countries to choose from');
  const n = countriesById.length;
  return countriesById[((customerId % n) + n) % n]!;
}
