import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { createProjectionSource } from './projection-source.js';
import type { Query } from './queries.js';

function source(rows: Record<string, Array<{ year: number; sales: string }>>) {
  const seen: Query[] = [];
  let t = 7_000;
  const get = createProjectionSource({
    query: async (q) => {
      seen.push(q);
      return q.text.includes('"sales_history"') ? (rows.history ?? []) : (rows.star ?? []);
    },
    schema: 'w',
    now: () => t,
  });
  return { get, seen, tick: () => (t += 1_000) };
}

describe('/api/sales/projection', () => {
  it('one year: no fit, the course model projects 2021-2023 (2023 ≈ 175.17)', async () => {
    const s = source({ history: [{ year: 2020, sales: '23323669.00' }] });
    const r = await s.get(new URLSearchParams('source=history'));
    expect(r.status).toBe(200);
    if (r.status !== 200) return;
    expect(r.body.points).toEqual([{ year: 2020, sales: 23323669 }]);
    expect(r.body.fit).toBeNull();
    expect(r.body.minYears).toBe(2);
    expect(r.body.projectedWith).toBe('course model');
    expect(r.body.projection.map((p) => p.year)).toEqual([2021, 2022, 2023]);
    expect(r.body.projection[2]!.sales.toFixed(2)).toBe('175.17');
    expect(r.body.courseCheck.sales).toBeCloseTo(175.16564294006457, 10);
    expect(s.seen[0]!.text).toContain('SUM("price")');
  });

  it('two or more years: the least-squares line of simple-statistics and its projection', async () => {
    const s = source({
      star: [
        { year: 2019, sales: '100.50' },
        { year: 2020, sales: '180.25' },
        { year: 2021, sales: '240.00' },
      ],
    });
    const r = await s.get(new URLSearchParams(''));
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    const data = [
      [2019, 100.5],
      [2020, 180.25],
      [2021, 240],
    ];
    const mb = linearRegression(data);
    expect(r.body.source).toBe('star');
    expect(r.body.fit).toEqual({
      intercept: mb.b,
      slope: mb.m,
      r2: rSquared(data, linearRegressionLine(mb)),
      n: 3,
    });
    expect(r.body.projectedWith).toBe('fit');
    expect(r.body.projection).toEqual(
      [2022, 2023, 2024].map((year) => ({ year, sales: mb.b + mb.m * year })),
    );
    expect(s.seen[0]!.text).toContain('"FactSales"');
  });

  it('cached per source; bad parameters are 400; a missing table is 503 naming its command', async () => {
    const s = source({});
    await s.get(new URLSearchParams('source=star'));
    await s.get(new URLSearchParams(''));
    expect(s.seen).toHaveLength(1);
    await s.get(new URLSearchParams('source=history'));
    expect(s.seen).toHaveLength(2);
    expect((await s.get(new URLSearchParams('source=cube'))).status).toBe(400);
    expect((await s.get(new URLSearchParams('year=2020'))).status).toBe(400);

    const missing = createProjectionSource({
      query: async () => {
        throw Object.assign(new Error('no relation'), { code: '42P01' });
      },
      schema: 'w',
    });
    const h = await missing(new URLSearchParams('source=history'));
    expect(h).toMatchObject({
      status: 503,
      body: { error: expect.stringContaining('`starling seed sales-history`') },
    });
    expect(await missing(new URLSearchParams(''))).toMatchObject({
      status: 503,
      body: { error: expect.stringContaining('has no star yet') },
    });
  });
});
