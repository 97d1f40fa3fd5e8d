/**
 * Seeds the catalog into a real MongoDB (replica set: Debezium captures through change streams). Not
 * runnable on these machines (no MongoDB server); the local demo uses standin.ts instead.
 *
 * Idempotent: one replace-or-insert per product_id, so seeding twice changes nothing and a re-seed after a
 * change to catalog.json makes each document equal its line again. Every document gets the _id the stand-in
 * gives it (catalogObjectId), so both paths produce the same keys downstream (a document inserted with
 * another _id by hand fails the replace: MongoDB's _id is immutable).
 */
import { MongoClient } from 'mongodb';
import { catalogObjectId } from './object-id.js';

export const CATALOG_DB = 'catalog';
export const CATALOG_COLLECTION = 'electronics';

export interface MongoSeedResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function seedCatalogToMongo(
  url: string,
  docs: Array<Record<string, unknown>>,
): Promise<MongoSeedResult> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    const coll = client.db(CATALOG_DB).collection(CATALOG_COLLECTION);
    // Unique product_id makes concurrent seeds safe (an upsert race inserts once); type is what queries filter on.
    await coll.createIndex({ product_id: 1 }, { unique: true, name: 'product_id_unique' });
    await coll.createIndex({ type: 1 }, { name: 'type' });
    if (docs.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const ops = docs.map((doc) => {
      const { _id: _ignored, ...fields } = doc;
      const productId = fields.product_id;
      if (typeof productId !== 'number')
        throw new TypeError('every catalog document needs a numeric product_id');
      return {
        // A whole-document replace, so a field dropped from catalog.json goes from MongoDB too.
        replaceOne: {
          filter: { product_id: productId },
          replacement: { _id: catalogObjectId(productId), ...fields },
          upsert: true,
        },
      };
    });
    const r = await coll.bulkWrite(ops, { ordered: false });
    return {
      inserted: r.upsertedCount,
      updated: r.modifiedCount,
      unchanged: r.matchedCount - r.modifiedCount,
    };
  } finally {
    await client.close();
  }
}
