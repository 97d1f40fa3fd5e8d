import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogStats, MONGO_QUERIES, STAGING_SQL } from './catalog-stats.js';
import type { CatalogDocument } from './rows.js';
import { catalogDocuments, dataDirFor } from './source.js';

function doc(type: string, screen: unknown, i = 0): CatalogDocument {
  return { type, model: `m${i}`, 'screen size': screen, product_id: 5600 + i };
}

describe('catalogStats', () => {
  it('counts laptops and 6-inch smart phones and averages smart-phone screens', () => {
    const docs = [
      doc('laptop', 14),
      doc('laptop', 15.6),
      doc('smart phone', 6),
      doc('smart phone', 5),
      doc('smart phone', 6.5),
      doc('television', 6),
      doc('Laptop', 14), // another type: MongoDB matches case-sensitively
      doc('smartphone', 6), // no space: another type
    ];
    expect(catalogStats(docs)).toEqual({ laptops: 2, smartPhonesScreen6: 1, smartPhoneAvgScreen: 17.5 / 3 });
  });

  it('skips screen sizes that are missing or not numbers, as $avg does', () => {
    const docs = [
      doc('smart phone', '6'),
      doc('smart phone', null),
      doc('smart phone', 4),
      doc('smart phone', 5),
    ];
    expect(catalogStats(docs)).toEqual({ laptops: 0, smartPhonesScreen6: 0, smartPhoneAvgScreen: 4.5 });
  });

  it('has no average without a numeric smart-phone screen', () => {
    expect(catalogStats([])).toEqual({ laptops: 0, smartPhonesScreen6: 0, smartPhoneAvgScreen: null });
    expect(catalogStats([doc('smart phone', undefined)]).smartPhoneAvgScreen).toBeNull();
  });
});

describe('MONGO_QUERIES', () => {
  it('are the course queries, the field name with its space', () => {
    expect(MONGO_QUERIES.laptops.filter).toEqual({ type: 'laptop' });
    expect(MONGO_QUERIES.smartPhonesScreen6.filter).toEqual({ type: 'smart phone', 'screen size': 6 });
    expect(MONGO_QUERIES.smartPhoneAvgScreen.pipeline).toEqual([
      { $match: { type: 'smart phone' } },
      { $group: { _id: null, avg: { $avg: '$screen size' } } },
    ]);
  });
});

describe('STAGING_SQL', () => {
  const table = '"catalog"."electronics"';
  const cols = { type: '"type"', screenSize: '"screen size"' };

  it('interpolates only the quoted identifiers and passes the literals as parameters', () => {
    expect(STAGING_SQL.laptops(table, cols)).toEqual({
      text: 'SELECT count(*)::integer AS value FROM "catalog"."electronics" WHERE "type" = $1',
      values: ['laptop'],
    });
    expect(STAGING_SQL.smartPhonesScreen6(table, cols)).toEqual({
      text: 'SELECT count(*)::integer AS value FROM "catalog"."electronics" WHERE "type" = $1 AND "screen size" = $2',
      values: ['smart phone', 6],
    });
    expect(STAGING_SQL.smartPhoneAvgScreen(table, cols)).toEqual({
      text: 'SELECT avg("screen size") AS value FROM "catalog"."electronics" WHERE "type" = $1',
      values: ['smart phone'],
    });
  });
});

const dir = dataDirFor(undefined);
const file = dir === undefined ? undefined : join(dir, 'catalog.json');

describe('the course file', () => {
  it.skipIf(file === undefined || !existsSync(file))(
    "answers the course's questions (needs the course's catalog.json)",
    () => {
      // The expectation from the raw lines, without catalogStats or the seed's parser.
      const raw = readFileSync(file!, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { type: string; 'screen size': number });
      const phones = raw.filter((d) => d.type === 'smart phone');
      const expected = {
        laptops: raw.filter((d) => d.type === 'laptop').length,
        smartPhonesScreen6: phones.filter((d) => d['screen size'] === 6).length,
        smartPhoneAvgScreen: phones.reduce((s, d) => s + d['screen size'], 0) / phones.length,
      };
      // Pinned: the same figures came out of a separate reading of the file with Python's json module.
      expect(expected).toEqual({ laptops: 389, smartPhonesScreen6: 8, smartPhoneAvgScreen: 6 });

      const docs = catalogDocuments(dir);
      expect(docs).toHaveLength(raw.length);
      expect(catalogStats(docs)).toEqual(expected);
    },
  );
});
