import { describe, expect, it, vi } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { MONGO_QUERIES } from '../../seeds/catalog-stats.js';
import {
  type CatalogCollection,
  catalogStatsFrom,
  mongoAddress,
  mongoCatalogStats,
} from './catalog-mongo.js';

/** A collection that records what it is asked and answers like MongoDB would over the course's catalog. */
function recording(avgGroups: unknown[] = [{ _id: null, avg: 6 }]) {
  const calls: Array<{ method: string; arg: unknown }> = [];
  const coll: CatalogCollection = {
    countDocuments: async (filter) => {
      calls.push({ method: 'countDocuments', arg: filter });
      return (filter as { type: string }).type === 'laptop' ? 389 : 8;
    },
    aggregate: (pipeline) => {
      calls.push({ method: 'aggregate', arg: pipeline });
      return { toArray: async () => avgGroups as never };
    },
  };
  return { coll, calls };
}

describe('catalog stats against MongoDB (query construction; no MongoDB server runs here)', () => {
  it("runs the course's queries: two countDocuments filters and the $avg pipeline", async () => {
    const { coll, calls } = recording();
    expect(await catalogStatsFrom(coll)).toEqual({
      laptops: 389,
      smartPhonesScreen6: 8,
      smartPhoneAvgScreen: 6,
    });
    expect(calls).toEqual([
      { method: 'countDocuments', arg: { type: 'laptop' } },
      { method: 'countDocuments', arg: { type: 'smart phone', 'screen size': 6 } },
      {
        method: 'aggregate',
        arg: [{ $match: { type: 'smart phone' } }, { $group: { _id: null, avg: { $avg: '$screen size' } } }],
      },
    ]);
  });

  it('gives each query its own copy of the shared constants', async () => {
    const { coll, calls } = recording();
    await catalogStatsFrom(coll);
    (calls[0]!.arg as Record<string, unknown>).type = 'changed';
    expect(MONGO_QUERIES.laptops.filter).toEqual({ type: 'laptop' });
  });

  it('no group or avg null: no average', async () => {
    expect((await catalogStatsFrom(recording([]).coll)).smartPhoneAvgScreen).toBeNull();
    expect(
      (await catalogStatsFrom(recording([{ _id: null, avg: null }]).coll)).smartPhoneAvgScreen,
    ).toBeNull();
  });

  it('names the server without its credentials', () => {
    expect(mongoAddress('mongodb://u:p%40ss@h1:27017,h2:27017/?replicaSet=rs0')).toBe(
      'mongodb://h1:27017,h2:27017/?replicaSet=rs0',
    );
    expect(mongoAddress('mongodb+srv://user:secret@cluster.example.net/')).toBe(
      'mongodb+srv://cluster.example.net/',
    );
  });
});

describe('the MongoDB client', () => {
  it('opens database and collection by name, runs the queries and closes', async () => {
    const { coll } = recording();
    const used: string[] = [];
    const close = vi.fn(async () => undefined);
    vi.doMock('mongodb', () => ({
      MongoClient: class {
        constructor(
          readonly url: string,
          readonly options: { serverSelectionTimeoutMS: number },
        ) {
          used.push(`url ${url} timeout ${options.serverSelectionTimeoutMS}`);
        }
        connect = async () => undefined;
        db = (name: string) => ({
          collection: (c: string) => {
            used.push(`${name}.${c}`);
            return coll;
          },
        });
        close = close;
      },
    }));
    vi.resetModules();
    const m = await import('./catalog-mongo.js');
    expect(await m.mongoCatalogStats('mongodb://h:1/', 'catalog', 'electronics', 1234)).toEqual({
      laptops: 389,
      smartPhonesScreen6: 8,
      smartPhoneAvgScreen: 6,
    });
    expect(used).toEqual(['url mongodb://h:1/ timeout 1234', 'catalog.electronics']);
    expect(close).toHaveBeenCalledOnce();
    vi.doUnmock('mongodb');
    vi.resetModules();
  });

  it('an unreachable server is a UserError naming the address, not the password', async () => {
    // Port 9 on the loopback: nothing listens, so server selection fails fast and for real.
    const e = await mongoCatalogStats(
      'mongodb://reader:s3cret@127.0.0.1:9/',
      'catalog',
      'electronics',
      300,
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).exitCode).toBe(2);
    expect((e as UserError).message).toContain('Cannot query MongoDB at mongodb://127.0.0.1:9/');
    expect((e as UserError).message).not.toContain('s3cret');
  });
});
