import { countryFor, foldProductId, SEED_CUSTOMER_UPDATED_AT } from './contract.js';
import type { OltpRow } from './rows.js';
import { addSeconds } from './synthetic.js';

/** A sales_data row as the seed writes it: rowid, product_id, customer_id, price, quantity, timestamp. */
export type SalesTuple = [number, number, number, string | null, number, string];

function secondsBetween(a: string, b: string): number {
  return (Date.parse(`${b.replace(' ', 'T')}Z`) - Date.parse(`${a.replace(' ', 'T')}Z`)) / 1000;
}

/**
 * The sales rows of `starling seed softcart`: copy k (0-based) of the oltp rows gets rowids k*n+1 … k*n+n
 * and timestamps shifted by k times the file's span plus one second, so N copies read as one continuous
 * stream of sales at the course's pace. Product ids are folded onto the catalog.
 */
export function salesTuples(rows: readonly OltpRow[], scale: number): SalesTuple[] {
  if (rows.length === 0) return [];
  const span = secondsBetween(rows[0]!.timestamp, rows.at(-1)!.timestamp) + 1;
  const out: SalesTuple[] = [];
  for (let k = 0; k < scale; k++)
    rows.forEach((r, i) => {
      out.push([
        k * rows.length + i + 1,
        foldProductId(r.productId),
        r.customerId,
        r.price,
        r.quantity,
        k === 0 ? r.timestamp : addSeconds(r.timestamp, k * span),
      ]);
    });
  return out;
}

/** A customers row as the seed writes it: customer_id, country, updated_at. */
export type CustomerTuple = [number, string, string];

/**
 * One customers row per distinct customer id, ascending, with the contract's country rule and the fixed
 * seed business time (a rerun must write the same values, so no clock is read).
 */
export function customerTuples(rows: readonly OltpRow[], countries: readonly string[]): CustomerTuple[] {
  const ids = [...new Set(rows.map((r) => r.customerId))].sort((a, b) => a - b);
  return ids.map((id) => [id, countryFor(id, countries), SEED_CUSTOMER_UPDATED_AT]);
}
