import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import { afterAll, describe, expect, it } from 'vitest';
import { createSalesPool } from '../../ops/http/sales/pool.js';
import { createProjectionSource } from '../../ops/http/sales/projection-source.js';
import { createSalesSource } from '../../ops/http/sales/source.js';
import { createTermsSource } from '../../ops/http/sales/terms-source.js';
import { type HttpServerHandle, startHttpServer } from '../../ops/http/server.js';
import { quoteIdentifier as q } from '../../schemas/ddl/dialect-neutral.js';
import { postgresDdl } from '../../schemas/ddl/postgres.js';
import { reportStatements } from '../../schemas/ddl/reports.js';
import { softcartModel } from '../../schemas/softcart.js';
import { seedCourseTable } from '../../seeds/course-table-seed.js';
import { SALES_HISTORY, SEARCH_TERMS } from '../../seeds/course-tables.js';
import { dataDirFor } from '../../seeds/source.js';
import { CHROMIUM, haveChromium, openWatchedPage } from '../support/browser.js';
import { testConfig, uniqueName } from '../support/context.js';
import { warehousePool } from '../support/star.js';

// The sales page's second source and its two panels in a real browser (Debian's chromium, headless, driven by
// playwright-core), on the warehouse tables alone: the course's sales_history and search_terms seeded by the
// seed code into a private warehouse schema (beside an empty star made by the model's DDL, so the page's
// default source answers too), served by an in-process HTTP server with the dashboard's sources. Every
// number is checked against sums and counts computed here from the course files (ecommerce.csv,
// searchterms.csv), read and added up by this test, and the fitted line against simple-statistics' own fit.
const dataDir = dataDirFor(undefined);

const base = testConfig();
const pool = warehousePool(base);
const cleanup: Array<() => Promise<unknown>> = [];
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await pool.end();
});

/** The data lines of a course CSV, split by commas (header and blank lines dropped). */
function csv(file: string): string[][] {
  return readFileSync(join(dataDir!, file), 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(1)
    .map((l) => l.split(','));
}

/** What the three history charts must show for `year`, summed from ecommerce.csv. */
function historyCharts(year: number) {
  const monthly = new Array<number>(12).fill(0);
  const quarterly = new Array<number>(4).fill(0);
  const byCategory = new Map<string, number>();
  const yearly = new Map<number, number>();
  for (const [, month, quarter, y, category, item, price] of csv('ecommerce.csv')) {
    const p = Number(price);
    yearly.set(Number(y), (yearly.get(Number(y)) ?? 0) + p);
    if (Number(y) !== year) continue;
    monthly[Number(month) - 1]! += p;
    byCategory.set(category!.trim(), (byCategory.get(category!.trim()) ?? 0) + p);
    if (item!.trim() === 'Mobile') quarterly[Number(quarter) - 1]! += p;
  }
  return {
    charts: {
      monthly,
      byCategory: new Map([...byCategory].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      quarterly,
    },
    yearly,
  };
}

/** The top 10 search terms, counted from searchterms.csv: count descending, ties by term. */
function topTerms(): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const [, , , term] of csv('searchterms.csv'))
    counts.set(term!.trim(), (counts.get(term!.trim()) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, 10);
}

/** The three charts as the page drew them (read from the Chart.js instances). */
async function charts(page: Page) {
  type Series = { labels: string[]; values: number[] } | null;
  const c = await page.evaluate<{ monthly: Series; byCategory: Series; quarterly: Series }>(`(() => {
    const read = (id) => {
      const chart = window.Chart.getChart(document.getElementById(id));
      return chart ? { labels: [...chart.data.labels], values: [...chart.data.datasets[0].data] } : null;
    };
    return { monthly: read('chart-monthly'), byCategory: read('chart-category'), quarterly: read('chart-quarterly') };
  })()`);
  return {
    monthly: c.monthly?.values,
    byCategory: c.byCategory
      ? new Map(c.byCategory.labels.map((l, i) => [l, c.byCategory!.values[i]!]))
      : undefined,
    quarterly: c.quarterly?.values,
  };
}

const text = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).textContent();
const value = async (page: Page, id: string) =>
  Number(await page.locator(`[data-testid="${id}"]`).getAttribute('data-value'));

describe.skipIf(!haveChromium || dataDir === undefined)(
  haveChromium
    ? dataDir === undefined
      ? 'the sales history dashboard (skipped: the course files are not there: ../shared/data/softcart)'
      : 'the sales history dashboard in headless Chromium'
    : `the sales history dashboard (skipped: ${CHROMIUM} is not installed)`,
  () => {
    it('charts sales_history, the top search terms and the projection as computed from the course files', async () => {
      const schema = uniqueName('it_sales_hist');
      const empty = uniqueName('it_sales_hist_empty');
      cleanup.push(() => pool.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`));
      cleanup.push(() => pool.query(`DROP SCHEMA IF EXISTS ${q(empty)} CASCADE`));
      await pool.query(`CREATE SCHEMA ${q(schema)}`);
      await pool.query(`CREATE SCHEMA ${q(empty)}`);
      // An empty star: the page opens on the star (the default source) without an error.
      await pool.query(postgresDdl(softcartModel, { schema }));
      for (const sql of reportStatements('postgres', schema)) await pool.query(sql);
      const config = { ...base, pipeline: { ...base.pipeline, warehouseSchema: schema } };
      for (const [table, command] of [
        [SALES_HISTORY, 'seed sales-history'],
        [SEARCH_TERMS, 'seed search-terms'],
      ] as const)
        await seedCourseTable({ config, dataDir, table, command });

      const salesPool = createSalesPool(base.postgres.warehouseUrl);
      cleanup.push(() => salesPool.end());
      const serve = async (s: string) => {
        const where = { query: salesPool.query, schema: s };
        const server = await startHttpServer({
          host: '127.0.0.1',
          port: 0,
          metrics: async () => '',
          health: async () => ({ status: 'ok', components: [] }),
          status: async () => ({}),
          sales: createSalesSource(where),
          salesTerms: createTermsSource(where),
          salesProjection: createProjectionSource(where),
        });
        cleanup.push(() => server.close());
        return server;
      };
      const server: HttpServerHandle = await serve(schema);

      const watched = await openWatchedPage();
      browser = watched.browser;
      const { page, problems, loads } = watched;

      expect((await page.goto(`${server.url}/sales`))?.status()).toBe(200);
      await expect.poll(() => page.locator('body[data-source="star"]').count(), { timeout: 30_000 }).toBe(1);
      await page.evaluate(`window.salesMarker = 'no reload'`);
      const loadsBefore = loads();

      // The source switch: the charts come from sales_history, the report tables give way to a note.
      await page.selectOption('[data-testid="filter-source"]', 'history');
      await expect
        .poll(() => page.locator('body[data-source="history"]').count(), { timeout: 30_000 })
        .toBe(1);
      expect(new URL(page.url()).searchParams.get('source')).toBe('history');
      const want = historyCharts(2020);
      await expect.poll(() => charts(page), { timeout: 30_000 }).toEqual(want.charts);
      expect(await page.locator('[data-testid="filter-year"] option').allTextContents()).toEqual(['2020']);
      expect(await page.locator('[data-testid="filter-category"] option').allTextContents()).toEqual([
        'all categories',
        'Ebooks',
        'Electronics',
        'Music',
      ]);
      expect(await text(page, 'quarterly-what')).toBe('item Mobile');
      expect(await page.locator('section.star-only:visible').count()).toBe(0);
      expect(await page.locator('[data-testid="star-only-note"]').isVisible()).toBe(true);
      expect(await page.locator('[data-testid="scope-history"]').isVisible()).toBe(true);

      // The category filter takes the history's categories: the month-wise chart narrows to Music.
      await page.selectOption('[data-testid="filter-category"]', 'Music');
      const music = new Array<number>(12).fill(0);
      for (const [, month, , y, category, , price] of csv('ecommerce.csv'))
        if (Number(y) === 2020 && category!.trim() === 'Music') music[Number(month) - 1]! += Number(price);
      await expect.poll(async () => (await charts(page)).monthly, { timeout: 30_000 }).toEqual(music);
      await page.selectOption('[data-testid="filter-category"]', '');

      // The top 10 search terms with their counts, as counted from searchterms.csv.
      const terms = topTerms();
      expect(terms.slice(0, 5)).toEqual([
        ['mobile 6 inch', 2312],
        ['mobile 5g', 2301],
        ['mobile latest', 1327],
        ['laptop', 935],
        ['tablet wifi', 896],
      ]);
      const shownTerms = () =>
        page.$$eval('[data-testid="top-terms"] tbody tr', (rows) =>
          rows.map((r) => [
            r.querySelector('[data-testid="term-name"]')?.textContent ?? '',
            Number(r.querySelector('[data-testid="term-count"]')?.getAttribute('data-value')),
          ]),
        );
      await expect.poll(shownTerms, { timeout: 30_000 }).toEqual(terms);

      // The projection of the history: one year (2020) only, so the course's model projects 2021-2023.
      const projection = page.locator('[data-testid="projection"]');
      await expect.poll(() => projection.getAttribute('data-source'), { timeout: 30_000 }).toBe('history');
      expect(await projection.getAttribute('data-projected-with')).toBe('course model');
      expect(await value(page, 'yearly-2020')).toBe(want.yearly.get(2020));
      expect(await text(page, 'projected-2023')).toBe('175.17');
      expect(await text(page, 'projection-note')).toContain(
        'the fit needs sales of at least 2 different years',
      );
      expect(await text(page, 'projection-note')).toContain('the data has only 2020');
      expect(await text(page, 'projection-with')).toContain("The course's pretrained model");
      expect(await page.locator('[data-testid="fit-figures"]').isVisible()).toBe(false);

      // A second year in sales_history, then a third: the page fits a line, as simple-statistics does.
      const table = `${q(schema)}.${q(SALES_HISTORY.table)}`;
      const added: Array<[number, number]> = [];
      for (const [rowid, year, price] of [
        [900_001, 2021, 25_000_000],
        [900_002, 2022, 24_000_000],
      ] as const) {
        await pool.query(
          `INSERT INTO ${table} ("rowid", "day", "month", "quarter", "year", "category", "item", "price")
           VALUES ($1, 15, 6, 2, $2, 'Electronics', 'Mobile', $3)`,
          [rowid, year, price],
        );
        added.push([year, price]);
        const data = [[2020, want.yearly.get(2020)!], ...added];
        const mb = linearRegression(data);
        const last = added.at(-1)![0];
        await expect
          .poll(
            async () => [
              await projection.getAttribute('data-projected-with'),
              Number(await text(page, 'fit-n')),
            ],
            {
              timeout: 30_000,
            },
          )
          .toEqual(['fit', data.length]);
        await expect.poll(() => value(page, 'fit-slope'), { timeout: 30_000 }).toBeCloseTo(mb.m, 6);
        expect(await value(page, 'fit-intercept')).toBeCloseTo(mb.b, 4);
        expect(await value(page, 'fit-r2')).toBeCloseTo(rSquared(data, linearRegressionLine(mb)), 10);
        for (const year of [last + 1, last + 2, last + 3])
          expect(await value(page, `projected-${year}`), String(year)).toBeCloseTo(mb.b + mb.m * year, 4);
        expect(await page.locator('[data-testid="fit-figures"]').isVisible()).toBe(true);
        expect(await text(page, 'projection-with')).toContain('The fitted line');
      }
      expect(await page.evaluate<string>(`window.salesMarker ?? 'reloaded'`)).toBe('no reload');
      expect(loads()).toBe(loadsBefore);

      // Back to the star: its (empty) charts and the report tables again; the projection follows the switch.
      await page.selectOption('[data-testid="filter-source"]', 'star');
      await expect.poll(() => page.locator('body[data-source="star"]').count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => projection.getAttribute('data-source'), { timeout: 30_000 }).toBe('star');
      expect(await page.locator('section.star-only:visible').count()).toBe(4);
      expect(await page.locator('[data-testid="star-only-note"]').isVisible()).toBe(false);
      expect(problems).toEqual([]);

      // The API: a bad source, a star category with the history source, and missing tables, each with its
      // message (asked by fetch, not by the page).
      const api = async (s: HttpServerHandle, path: string) => {
        const res = await fetch(`${s.url}${path}`);
        return { status: res.status, error: ((await res.json()) as { error?: string }).error };
      };
      expect(await api(server, '/api/sales?source=cube')).toEqual({
        status: 400,
        error: 'source must be star or history, not "cube"',
      });
      expect(await api(server, '/api/sales?source=history&category=laptop')).toEqual({
        status: 400,
        error: 'unknown category "laptop"; the warehouse\'s categories: Ebooks, Electronics, Music',
      });
      const bare = await serve(empty);
      for (const path of ['/api/sales?source=history', '/api/sales/projection?source=history']) {
        const r = await api(bare, path);
        expect(r.status, path).toBe(503);
        expect(r.error, path).toContain('`starling seed sales-history`');
      }
      // The terms panel is optional: no table is a 200 without terms, whose message the page shows.
      const noTerms = await fetch(`${bare.url}/api/sales/terms`);
      expect(noTerms.status).toBe(200);
      expect(await noTerms.json()).toMatchObject({
        terms: null,
        missing: expect.stringContaining('`starling seed search-terms`'),
      });
      for (const path of ['/api/sales/terms', '/api/sales/projection'])
        expect((await fetch(`${server.url}${path}`, { method: 'POST', body: 'x' })).status, path).toBe(405);
    });
  },
);
