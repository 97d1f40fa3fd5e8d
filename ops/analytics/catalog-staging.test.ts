import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { STAGING_SQL } from '../../seeds/catalog-stats.js';
import { stagingCatalogExpressions, stagingCatalogStats } from './catalog-staging.js';

describe('catalog stats over the staging mirror (_id + document jsonb)', () => {
  it('reads type and "screen size" out of the document; only JSON numbers are screen sizes', () => {
    const c = stagingCatalogExpressions();
    expect(c.type).toBe(`("document" ->> 'type')`);
    expect(c.screenSize).toBe(
      `(CASE WHEN jsonb_typeof(("document" -> 'screen size')) = 'number' THEN ("document" -> 'screen size')::double precision END)`,
    );
    expect(STAGING_SQL.smartPhonesScreen6('"catalog"."electronics"', c)).toEqual({
      text: `SELECT count(*)::integer AS value FROM "catalog"."electronics" WHERE ("document" ->> 'type') = $1 AND ${c.screenSize} = $2`,
      values: ['smart phone', 6],
    });
  });

  it('asks the mirror table by its staging name and returns the three answers', async () => {
    const seen: unknown[] = [];
    const answers = [{ t: '"catalog"."electronics"' }, { value: 389 }, { value: 8 }, { value: 6 }];
    const client = {
      query: async (q: unknown, values?: unknown[]) => {
        seen.push(values ?? q);
        return { rows: [answers.shift()] };
      },
    };
    expect(await stagingCatalogStats(client as never, 'catalog', 'electronics')).toEqual({
      laptops: 389,
      smartPhonesScreen6: 8,
      smartPhoneAvgScreen: 6,
    });
    expect(seen[0]).toEqual(['"catalog"."electronics"']);
  });

  it('a missing mirror is a UserError saying how the catalog gets there', async () => {
    const client = { query: async () => ({ rows: [{ t: null }] }) };
    const e = await stagingCatalogStats(client as never, 'catalog', 'electronics').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/starling seed catalog.*starling run/);
  });
});
