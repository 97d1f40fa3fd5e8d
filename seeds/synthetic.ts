import { CATALOG_SIZE } from './contract.js';
import { Prng } from './prng.js';
import type { CatalogDocument, DumpRow, EtlRow, OltpRow } from './rows.js';

/**
 * The project's own SoftCart-shaped data, for machines without the course files. Same shapes and ranges as
 * the course's (see shared/data/softcart/README.md): the tests and the pipeline cannot tell the difference
 * in kind, only in values. Everything comes from a fixed seed, so two machines generate the same rows.
 */
const SEED = 20200905;
const OLTP_ROWS = 2605;
const OLTP_START = '2020-09-05 16:20:03';
const ETL_FIRST_ROWID = 104;
const ETL_LOADED_LAST_ROWID = 12289;
const ETL_SOURCE_LAST_ROWID = 13939;
const ETL_START = '2017-11-22 03:53:23';

/** Adds whole seconds to a 'YYYY-MM-DD HH:MM:SS' time, in UTC (DATETIME has no zone; nor does this). */
export function addSeconds(datetime: string, seconds: number): string {
  const ms = Date.parse(`${datetime.replace(' ', 'T')}Z`) + seconds * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function sale(p: Prng): Omit<OltpRow, 'timestamp'> {
  return {
    productId: p.int(5600, 9000),
    customerId: p.int(38, 89967),
    price: String(p.int(57, 4993)),
    quantity: p.int(1, 5),
  };
}

/** oltpdata.csv's shape: 2,605 sales, one per second. */
export function generateOltp(): OltpRow[] {
  const p = new Prng(SEED);
  return Array.from({ length: OLTP_ROWS }, (_, i) => ({ ...sale(p), timestamp: addSeconds(OLTP_START, i) }));
}

/** sales.csv's shape: rowids 104–12289, one per second. */
export function generateEtlLoad(): EtlRow[] {
  const p = new Prng(SEED + 1);
  return Array.from({ length: ETL_LOADED_LAST_ROWID - ETL_FIRST_ROWID + 1 }, (_, i) => ({
    rowid: ETL_FIRST_ROWID + i,
    ...sale(p),
    timestamp: addSeconds(ETL_START, i),
  }));
}

/** sales.sql's shape: rowids 104–13939, the first 12,186 the same sales as generateEtlLoad(). */
export function generateEtlDump(): DumpRow[] {
  const loaded = generateEtlLoad().map(({ rowid, productId, customerId, quantity }) => ({
    rowid,
    productId,
    customerId,
    quantity,
  }));
  const p = new Prng(SEED + 2);
  const newer = Array.from({ length: ETL_SOURCE_LAST_ROWID - ETL_LOADED_LAST_ROWID }, (_, i) => {
    const { productId, customerId, quantity } = sale(p);
    return { rowid: ETL_LOADED_LAST_ROWID + 1 + i, productId, customerId, quantity };
  });
  return [...loaded, ...newer];
}

const MODELS = ['aria', 'bolt', 'cirrus', 'delta', 'ember', 'flux', 'glide', 'halo', 'ion', 'jet'];

/** catalog.json's shape: 438 documents of type laptop, smart phone or television. */
export function generateCatalog(): Omit<CatalogDocument, 'product_id'>[] {
  const p = new Prng(SEED + 3);
  return Array.from({ length: CATALOG_SIZE }, (_, i) => {
    const type = p.pick(['laptop', 'smart phone', 'television'] as const);
    const model = `${p.pick(MODELS)}${i}`;
    if (type === 'smart phone') return { type, model, 'screen size': p.pick([5, 5.5, 6, 6.5, 7]) };
    if (type === 'television') return { type, model, 'screen size': p.pick([32, 40, 43, 50, 55, 65]) };
    return {
      type,
      model,
      'screen size': p.pick([13, 14, 15.6, 17]),
      ram: p.pick(['4GB', '8GB', '16GB', '32GB']),
      'hard disk': p.pick(['500MB', '1TB', '2TB']),
    };
  });
}
