import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { topTermsFromWarehouse } from '../../ops/analytics/top-terms.js';
import { dataDirFor } from '../../seeds/source.js';
import { starling } from '../support/cli.js';
import { testConfig, uniqueName } from '../support/context.js';

const base = testConfig();
const dataDir = dataDirFor(undefined);
const pool = new pg.Pool({ connectionString: base.postgres.warehouseUrl, max: 2 });
const schemas: string[] = [];
const tmpDirs: string[] = [];

afterAll(async () => {
  for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
  await pool.end();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** A private warehouse schema for one test (dropped after the run). */
function privateSchema(label: string): Record<string, string> {
  const schema = uniqueName(label);
  schemas.push(schema);
  return { STARLING_WAREHOUSE_SCHEMA: schema };
}

/** The data lines of a course CSV, split by commas: the test's own reading, independent of the seed's parsers. */
function csvLines(file: string): string[][] {
  const text = readFileSync(join(dataDir!, file), 'utf8').replace(/^\uFEFF/, '');
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(1)
    .map((l) => l.split(','));
}

describe.runIf(dataDir)('course tables in the warehouse (the course files)', () => {
  it('seed sales-history: 68,003 rows, idempotent, totals equal sums over ecommerce.csv', async () => {
    const env = privateSchema('it_sales_history');
    const schema = env.STARLING_WAREHOUSE_SCHEMA!;
    const lines = csvLines('ecommerce.csv');
    const byMonth = new Map<number, number>();
    const byCategory = new Map<string, number>();
    let total = 0;
    for (const [, month, , , category, , price] of lines) {
      const p = Number(price);
      total += p;
      byMonth.set(Number(month), (byMonth.get(Number(month)) ?? 0) + p);
      byCategory.set(category!, (byCategory.get(category!) ?? 0) + p);
    }
    expect(lines).toHaveLength(68003);

    for (const run of [1, 2]) {
      const r = await starling(['seed', 'sales-history'], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`into the warehouse table ${schema}.sales_history`);
      expect(r.stdout).toContain(`68003 rows (replacing ${run === 1 ? 0 : 68003})`);
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT rowid)::int AS ids, min(rowid) AS lo, max(rowid) AS hi,
                sum(price)::text AS total FROM "${schema}".sales_history`,
      );
      expect(rows[0]).toEqual({ n: 68003, ids: 68003, lo: 1, hi: 68003, total: String(total) });
    }
    const months = await pool.query(
      `SELECT month, sum(price)::text AS t FROM "${schema}".sales_history GROUP BY month ORDER BY month`,
    );
    expect(months.rows.map((r) => [r.month, Number(r.t)])).toEqual(
      [...byMonth].sort((a, b) => a[0] - b[0]).map(([m, t]) => [m, t]),
    );
    const cats = await pool.query(
      `SELECT category, sum(price)::text AS t FROM "${schema}".sales_history GROUP BY category ORDER BY category COLLATE "C"`,
    );
    expect(cats.rows.map((r) => [r.category, Number(r.t)])).toEqual(
      [...byCategory].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
  });

  it('seed search-terms: 10,000 rows, idempotent; the top terms equal counts over searchterms.csv', async () => {
    const env = privateSchema('it_search_terms');
    const schema = env.STARLING_WAREHOUSE_SCHEMA!;
    const lines = csvLines('searchterms.csv');
    const counts = new Map<string, number>();
    for (const [, , , term] of lines) counts.set(term!.trim(), (counts.get(term!.trim()) ?? 0) + 1);
    const expected = [...counts]
      .map(([term, count]) => ({ term, count }))
      .sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    expect(lines).toHaveLength(10000);

    for (const run of [1, 2]) {
      const r = await starling(['seed', 'search-terms'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`10000 rows (replacing ${run === 1 ? 0 : 10000})`);
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT searchterm)::int AS terms, min(date)::text AS first,
                max(date)::text AS last FROM "${schema}".search_terms`,
      );
      expect(rows[0]).toEqual({ n: 10000, terms: 10, first: '2021-11-12', last: '2021-12-25' });
    }
    expect(await topTermsFromWarehouse(pool, schema, 5)).toEqual(expected.slice(0, 5));
    expect(await topTermsFromWarehouse(pool, schema, 100)).toEqual(expected);
  });

  it('analytics projection --source history: one year (2020) is explained, with the course model, exit 0', async () => {
    const env = privateSchema('it_projection_history');
    expect((await starling(['seed', 'sales-history'], env)).code).toBe(0);
    const r = await starling(['analytics', 'projection', '--source', 'history'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  2020  23323669.00');
    expect(r.stdout).toContain(
      'the fit needs sales of at least 2 different years, and this data has only 2020',
    );
    expect(r.stdout).toMatch(
      /Projection with the course's model instead[^\n]*\n {2}2021 {2}162\.12\n {2}2022 {2}168\.64\n {2}2023 {2}175\.17/,
    );
    expect(r.stdout).toContain('Course model check: 2023 -> 175.1656');
  });
});

describe('course tables: mistakes and fits', () => {
  it('a data directory without the course file: one message, exit code 2, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'starling-no-course-'));
    tmpDirs.push(dir);
    const env = privateSchema('it_no_file');
    for (const [cmd, file] of [
      ['sales-history', 'ecommerce.csv'],
      ['search-terms', 'searchterms.csv'],
    ] as const) {
      const r = await starling(['seed', cmd, '--data-dir', dir], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`needs the course file ${file}`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    const missing = await starling(['seed', 'sales-history', '--data-dir', join(dir, 'nope')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no built-in generator for sales_history');
  });

  it('analytics projection fits a line over two or more years (sales_history from a file of two years)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'starling-two-years-'));
    tmpDirs.push(dir);
    writeFileSync(
      join(dir, 'ecommerce.csv'),
      'day,month,quarter,year,category,item,price\n1,1,1,2020,Electronics,Mobile,100\n2,2,1,2020,Music,Pop,50\n3,3,1,2021,Ebooks,Fiction,170\n',
    );
    const env = privateSchema('it_projection_fit');
    expect((await starling(['seed', 'sales-history', '--data-dir', dir], env)).code).toBe(0);
    const r = await starling(
      ['analytics', 'projection', '--source', 'history', '--years', '2', '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.points).toEqual([
      { year: 2020, sales: 150 },
      { year: 2021, sales: 170 },
    ]);
    expect(o.projectedWith).toBe('fit');
    expect(o.fit.slope).toBeCloseTo(20, 6);
    expect(o.fit.n).toBe(2);
    expect(o.projection.map((p: { sales: number }) => Math.round(p.sales))).toEqual([190, 210]);
    expect(o.courseCheck.sales).toBeCloseTo(175.16564294006457, 10);
  });

  it('analytics projection on a schema without sales_history or star: exit code 2 saying what creates it', async () => {
    const env = privateSchema('it_projection_empty');
    const history = await starling(['analytics', 'projection', '--source', 'history'], env);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('starling seed sales-history');
    const star = await starling(['analytics', 'projection'], env);
    expect(star.code).toBe(2);
    expect(star.stderr).toContain('has no star yet');
  });
});
