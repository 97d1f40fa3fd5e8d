/**
 * The workload's catalog changes in a real MongoDB (the Debezium MongoDB connector captures them from its
 * change stream). Not runnable on these machines (no MongoDB server); the local demo uses changes.ts.
 * Documents get the _id every other path gives them (catalogObjectId), so keys agree downstream.
 */
import { type Collection, MongoClient } from 'mongodb';
import { CATALOG_COLLECTION, CATALOG_DB } from './mongo.js';
import { catalogObjectId } from './object-id.js';

export class MongoCatalogWriter {
  private constructor(
    private readonly client: MongoClient,
    private readonly coll: Collection,
  ) {}

  static async open(url: string): Promise<MongoCatalogWriter> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    // Majority: a change stream (so Debezium) sees a write only once it is majority-committed.
    const coll = client.db(CATALOG_DB).collection(CATALOG_COLLECTION, { writeConcern: { w: 'majority' } });
    return new MongoCatalogWriter(client, coll);
  }

  /** A new product: fails (duplicate key) when the product exists already, as the stand-in does. */
  async insert(productId: number, fields: Record<string, unknown>): Promise<void> {
    await this.coll.insertOne({ _id: catalogObjectId(productId), ...fields, product_id: productId });
  }

  /** Sets `fields` on the product's document; a product that is not there is an error, not a no-op. */
  async update(productId: number, fields: Record<string, unknown>): Promise<void> {
    const r = await this.coll.updateOne({ product_id: productId }, { $set: fields });
    if (r.matchedCount !== 1) throw new Error(`catalog product ${productId} is not in MongoDB`);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
