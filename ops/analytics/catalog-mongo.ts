/**
 * The course's catalog questions answered by MongoDB itself (capstone module 2), with the official driver.
 * Not run on these machines (no MongoDB server can be had here): the query construction is unit-tested
 * against a recording collection (catalog-mongo.test.ts).
 */
import type { Document } from 'mongodb';
import { UserError } from '../../core/errors/user-error.js';
import { type CatalogStats, MONGO_QUERIES } from '../../seeds/catalog-stats.js';

/** The two collection methods the questions use, as the driver's Collection has them. */
export interface CatalogCollection {
  countDocuments(filter: Document): Promise<number>;
  aggregate(pipeline: Document[]): { toArray(): Promise<Document[]> };
}

/**
 * Runs MONGO_QUERIES on a collection: countDocuments for the two counts, the $group pipeline for the average
 * (no group, or avg null, when no smart phone has a numeric screen size: null). Each query gets its own copy
 * of the shared constant, so a driver that annotates what it is given cannot change it.
 */
export async function catalogStatsFrom(coll: CatalogCollection): Promise<CatalogStats> {
  const [laptops, smartPhonesScreen6, groups] = await Promise.all([
    coll.countDocuments(structuredClone(MONGO_QUERIES.laptops.filter)),
    coll.countDocuments(structuredClone(MONGO_QUERIES.smartPhonesScreen6.filter)),
    coll.aggregate(structuredClone(MONGO_QUERIES.smartPhoneAvgScreen.pipeline)).toArray(),
  ]);
  const avg = (groups[0] as { avg?: unknown } | undefined)?.avg;
  return { laptops, smartPhonesScreen6, smartPhoneAvgScreen: typeof avg === 'number' ? avg : null };
}

/** A MongoDB URL without its user and password, for messages. */
export function mongoAddress(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1');
}

/** Driver errors that mean the server is not there, refuses us, or the URL is wrong: the user fixes these. */
const USER_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoParseError',
  'MongoAPIError',
]);

/** Whether a driver error is the user's to fix (unreachable, bad URL, refused login); see USER_ERRORS. */
export function isMongoUserError(e: unknown): boolean {
  const err = e as { name?: string; code?: unknown };
  // 18: AuthenticationFailed, 13: Unauthorized.
  return USER_ERRORS.has(err.name ?? '') || err.code === 18 || err.code === 13;
}

/**
 * The three answers from MongoDB at `url`, database `db`, collection `collection`. An unreachable server,
 * a malformed URL or a refused login is a UserError (exit code 2) naming the address without credentials;
 * the client always closes. `timeoutMs` bounds server selection (10 s by default).
 */
export async function mongoCatalogStats(
  url: string,
  db: string,
  collection: string,
  timeoutMs = 10_000,
): Promise<CatalogStats> {
  const { MongoClient } = await import('mongodb');
  let client: InstanceType<typeof MongoClient> | undefined;
  try {
    client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, appName: 'starling-catalog-stats' });
    await client.connect();
    return await catalogStatsFrom(client.db(db).collection(collection));
  } catch (e) {
    if (isMongoUserError(e))
      throw new UserError(
        `Cannot query MongoDB at ${mongoAddress(url)} (STARLING_MONGODB_URL), ${db}.${collection}: ${(e as Error).message}`,
        'CATALOG_MONGODB_UNREACHABLE',
      );
    throw e;
  } finally {
    await client?.close().catch(() => undefined);
  }
}
