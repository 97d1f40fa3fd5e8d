import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/config/load.js';
import { createSalesPool } from '../../ops/http/sales/pool.js';
import { createSalesSource, type SalesResponse } from '../../ops/http/sales/source.js';
import { type HttpServerHandle, startHttpServer } from '../../ops/http/server.js';
import { quoteIdentifier } from '../../schemas/ddl/dialect-neutral.js';
import { REPORTS } from '../../schemas/ddl/reports.js';
import { CATALOG_BASE, countryFor, foldProductId } from '../../seeds/contract.js';
import { dataDirFor } from '../../seeds/source.js';
import { CHROMIUM, haveChromium, openWatchedPage } from '../support/browser.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { newStar, warehousePool } from '../support/star.js';
import { seedStarSources } from '../support/star-scenario.js';
import { buildSyntheticStar } from '../support/synthetic-star.js';

// The sales dashboard in a real browser (Debian's chromium, headless, driven by playwright-core) against a
// private `starling run` (conform and warehouse stages) of a private SoftCart capture: the course's files
// seeded into MariaDB, the catalog through the stand-in publisher. Every chart and report the page shows is
// checked against the same aggregation computed here, independently, from the course files (oltpdata.csv,
// catalog.json, DimCountry.csv) with the data contract's rules; then a sale committed in MariaDB must reach
// the charts without a reload. A second test times /api/sales at 300,000 facts (printed, not asserted).
// The CLI runs from dist/: `npm run build` first.
const dataDir = dataDirFor(undefined);
const PHONES = 'smart phone';

const base = testConfig();
const pool = warehousePool(base);
const cleanup: Array<() => Promise<unknown>> = [];
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await pool.end();
});

// ---- the independent aggregation, from the course files ----

interface Sale {
  year: number;
  month: number;
  quarter: number;
  category: string;
  country: string;
  /** price × quantity in cents */
  cents: bigint;
}

const stripBom = (s: string) => s.replace(/^\uFEFF/, '');

function courseSales(dir: string): Sale[] {
  const types = readFileSync(join(dir, 'catalog.json'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { type: string }).type);
  const countries = stripBom(readFileSync(join(dir, 'DimCountry.csv'), 'utf8'))
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(','))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map((c) => c[1]!);
  return readFileSync(join(dir, 'oltpdata.csv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [product, customer, price, quantity, timestamp] = l.trim().split(',');
      const month = Number(timestamp!.slice(5, 7));
      return {
        year: Number(timestamp!.slice(0, 4)),
        month,
        quarter: Math.ceil(month / 3),
        category: types[foldProductId(Number(product)) - CATALOG_BASE]!,
        country: countryFor(Number(customer), countries),
        cents: BigInt(Math.round(Number(price) * 100)) * BigInt(Number(quantity)),
      };
    });
}

/** Sum and count per key. */
function group(sales: Sale[], key: (s: Sale) => string): Map<string, { sum: bigint; n: number }> {
  const out = new Map<string, { sum: bigint; n: number }>();
  for (const s of sales) {
    const g = out.get(key(s)) ?? { sum: 0n, n: 0 };
    g.sum += s.cents;
    g.n += 1;
    out.set(key(s), g);
  }
  return out;
}

const decimal = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
const sums = (m: Map<string, { sum: bigint }>): Record<string, string> =>
  Object.fromEntries([...m].map(([k, v]): [string, string] => [k, decimal(v.sum)]).sort());
const averages = (m: Map<string, { sum: bigint; n: number }>): Record<string, number> =>
  Object.fromEntries([...m].map(([k, v]): [string, number] => [k, Number(v.sum) / v.n / 100]).sort());

/** Everything the page must show for one year and category filter (null: all), as the page's test ids. */
function expectedPage(sales: Sale[], year: number, category: string | null) {
  const inYear = sales.filter((s) => s.year === year);
  const filtered = sales.filter((s) => category === null || s.category === category);
  const monthly = group(
    inYear.filter((s) => category === null || s.category === category),
    (s) => String(s.month),
  );
  const quarterly = group(
    inYear.filter((s) => s.category === PHONES),
    (s) => String(s.quarter),
  );
  const byCategory = group(inYear, (s) => s.category);
  const rollupKeys = (s: Sale) => [`${s.year}-${s.country}`, `${s.year}-*`, '*-*'];
  const cubeKeys = (s: Sale) => [...rollupKeys(s), `*-${s.country}`];
  const multi = (keys: (s: Sale) => string[]) => {
    const out = new Map<string, { sum: bigint; n: number }>();
    for (const s of filtered)
      for (const k of keys(s)) {
        const g = out.get(k) ?? { sum: 0n, n: 0 };
        g.sum += s.cents;
        g.n += 1;
        out.set(k, g);
      }
    return out;
  };
  return {
    monthly: Array.from({ length: 12 }, (_, i) => monthly.get(String(i + 1))?.sum ?? 0n),
    quarterly: [1, 2, 3, 4].map((q) => quarterly.get(String(q))?.sum ?? 0n),
    byCategory: new Map([...byCategory].map(([k, v]) => [k, v.sum])),
    cells: {
      ...prefixed('gs-country-', sums(group(filtered, (s) => s.country))),
      ...prefixed('gs-category-', sums(group(filtered, (s) => s.category))),
      ...prefixed('rollup-', sums(multi(rollupKeys))),
      ...prefixed('per-country-', sums(group(sales, (s) => s.country))),
    },
    averages: prefixed('cube-', averages(multi(cubeKeys))),
  };
}

function prefixed<T>(prefix: string, o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}${k}`, v]));
}

// ---- what the page shows ----

/** The charts' data, read from the Chart.js instances the page drew. */
async function chartData(page: Page) {
  // Page code as text: this project compiles without the DOM's types.
  type Series = { labels: string[]; values: number[] } | null;
  return page.evaluate<{ monthly: Series; byCategory: Series; quarterly: Series }>(`(() => {
    const read = (id) => {
      const chart = window.Chart.getChart(document.getElementById(id));
      return chart ? { labels: [...chart.data.labels], values: [...chart.data.datasets[0].data] } : null;
    };
    return { monthly: read('chart-monthly'), byCategory: read('chart-category'), quarterly: read('chart-quarterly') };
  })()`);
}

/** The report cells: test id → exact value, for the ids starting with one of the prefixes. */
async function cells(page: Page, prefixes: string[]): Promise<Record<string, string>> {
  const all = await page.$$eval('td[data-testid]', (tds) =>
    tds.map((td) => [td.getAttribute('data-testid')!, td.getAttribute('data-value') ?? ''] as const),
  );
  return Object.fromEntries(all.filter(([id]) => prefixes.some((p) => id.startsWith(p))).sort());
}

const cents = (n: number) => BigInt(Math.round(n * 100));

/** The page's numbers in the form of expectedPage's, for one comparison with a readable diff. */
async function shown(page: Page) {
  const c = await chartData(page);
  const table = await cells(page, ['gs-', 'rollup-', 'per-country-']);
  const cube = await cells(page, ['cube-']);
  return {
    monthly: c.monthly?.values.map(cents),
    quarterly: c.quarterly?.values.map(cents),
    byCategory: c.byCategory
      ? new Map(c.byCategory.labels.map((l, i) => [l, cents(c.byCategory!.values[i]!)]))
      : undefined,
    cells: table,
    averages: Object.fromEntries(Object.entries(cube).map(([k, v]) => [k, Number(v)])),
  };
}

type Expected = ReturnType<typeof expectedPage>;

/** Waits (with a deadline) until the page shows exactly the expected numbers; averages to 1e-6. */
async function expectPageShows(page: Page, want: Expected, timeout = 60_000): Promise<void> {
  const { averages, ...exact } = want;
  await expect
    .poll(
      async () => {
        const { averages: _a, ...got } = await shown(page);
        return got;
      },
      { timeout, interval: 250 },
    )
    .toEqual(exact);
  const got = (await shown(page)).averages;
  expect(Object.keys(got)).toEqual(Object.keys(averages));
  for (const [k, v] of Object.entries(averages)) expect(got[k], k).toBeCloseTo(v, 6);
}

/** The sockets listening on `port`: local addresses from /proc/net/tcp and tcp6 (hex, as the kernel has them). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[3] === '0A' && c[1]?.endsWith(`:${hexPort}`))
      .map((c) => c[1]!),
  );
}

describe.skipIf(!haveChromium || dataDir === undefined)(
  haveChromium
    ? dataDir === undefined
      ? 'the sales dashboard (skipped: the course files are not there: ../shared/data/softcart)'
      : 'the sales dashboard in headless Chromium'
    : `the sales dashboard (skipped: ${CHROMIUM} is not installed; infra/scripts/bootstrap.sh installs Debian's chromium)`,
  () => {
    it('shows the course charts and reports as computed from the course files, and follows a new sale live', async () => {
      const sales = courseSales(dataDir!);
      const cap = newCapture(base, 'it_sales');
      const star = newStar(cap);
      let pipeline: ChildProcess | undefined;
      cleanup.push(async () => {
        pipeline?.kill('SIGKILL');
        await star.drop();
        await cap.drop();
      });
      const { docs } = await seedStarSources(base, cap, star, dataDir);
      await cap.start();
      pipeline = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'], {
        env: { ...process.env, ...star.env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const port = Number(star.env.STARLING_HTTP_PORT);
      const url = `http://127.0.0.1:${port}`;

      // Every fact in the warehouse with its category and country resolved.
      const fact = `${quoteIdentifier(star.schema)}."FactSales"`;
      await expect
        .poll(
          async () =>
            (
              await pool
                .query(
                  `SELECT count(*)::int AS n FROM ${fact} WHERE "categoryid" IS NOT NULL AND "countryid" IS NOT NULL`,
                )
                .catch(() => ({ rows: [{ n: -1 }] }))
            ).rows[0].n,
          { timeout: 240_000, interval: 1000 },
        )
        .toBe(sales.length);

      // The pipeline's HTTP server answers (it starts after the stages).
      await expect
        .poll(async () => (await fetch(`${url}/api/sales`).catch(() => undefined))?.status, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(200);

      const watched = await openWatchedPage();
      browser = watched.browser;
      const { page, problems, loads } = watched;

      const res = await page.goto(`${url}/sales`);
      expect(res?.status()).toBe(200);
      expect(await page.title()).toBe('Starling sales dashboard');
      // The course asks for 2020; its sales are all in 2020, the newest year with facts: the default.
      const year = Math.max(...sales.map((s) => s.year));
      expect(year).toBe(2020);
      await expectPageShows(page, expectedPage(sales, year, null));
      expect(await page.locator('[data-testid="filter-year"] option').allTextContents()).toEqual([
        String(year),
      ]);
      expect(await page.locator('[data-testid="filter-category"] option').allTextContents()).toEqual([
        'all categories',
        ...[...new Set(docs.map((d) => d.type))].sort(),
      ]);
      // The panels beside the charts: this schema has no search_terms (the panel says what loads it), and
      // the star's facts are all of 2020, so the projection is the course's model's (2023: 175.17).
      await expect
        .poll(() => page.locator('[data-testid="terms-message"]').textContent(), { timeout: 30_000 })
        .toContain('`starling seed search-terms`');
      await expect
        .poll(() => page.locator('[data-testid="projected-2023"]').textContent(), { timeout: 30_000 })
        .toBe('175.17');
      expect(await page.locator('[data-testid="projection"]').getAttribute('data-projected-with')).toBe(
        'course model',
      );
      // Laid out for a laptop screen: the three charts side by side, none wider than the window.
      const boxes = await Promise.all(
        ['chart-monthly', 'chart-category', 'chart-quarterly'].map((id) =>
          page.locator(`[data-testid="${id}"]`).boundingBox(),
        ),
      );
      for (const b of boxes) {
        expect(b!.width).toBeGreaterThan(200);
        expect(b!.height).toBeGreaterThan(150);
        expect(b!.x + b!.width).toBeLessThanOrEqual(1366);
      }
      expect(new Set(boxes.map((b) => Math.round(b!.y))).size).toBe(1);
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
        true,
      );

      // A window marker: set once, it survives only if the page is never reloaded.
      await page.evaluate(`window.salesMarker = 'no reload'`);
      const marker = () => page.evaluate<string>(`window.salesMarker ?? 'reloaded'`);
      const loadsBefore = loads();

      // The category filter: the month-wise chart and the three reports narrow to laptops; the address
      // keeps the filter (shareable) without a reload.
      await page.selectOption('[data-testid="filter-category"]', 'laptop');
      await expectPageShows(page, expectedPage(sales, year, 'laptop'), 30_000);
      expect(new URL(page.url()).searchParams.get('category')).toBe('laptop');
      await page.selectOption('[data-testid="filter-category"]', '');
      await expectPageShows(page, expectedPage(sales, year, null), 30_000);

      // A new sale, committed in MariaDB: a smart phone in November 2020 (a month, quarter and category
      // whose totals change), by a seeded customer.
      const phone = docs.find((d) => d.type === PHONES)!;
      // The customer of the course's first sale (oltpdata.csv's first line: product_id,customer_id,...).
      const customer = Number(readFileSync(join(dataDir!, 'oltpdata.csv'), 'utf8').split(',')[1]);
      const conn = await mysqlConnection(base, cap.db);
      try {
        const [rows] = await conn.query('SELECT country FROM customers WHERE customer_id = ?', [customer]);
        const country = (rows as Array<{ country: string }>)[0]!.country;
        await conn.query(
          'INSERT INTO sales_data (product_id, customer_id, price, quantity, `timestamp`) VALUES (?, ?, ?, ?, ?)',
          [phone.product_id, customer, '1234.56', 3, '2020-11-15 10:00:00'],
        );
        const after = [
          ...sales,
          { year: 2020, month: 11, quarter: 4, category: PHONES, country, cents: 123456n * 3n },
        ];
        const committed = Date.now();
        await expectPageShows(page, expectedPage(after, year, null), 90_000);
        console.log(
          `the new sale reached the page's charts and reports ${Date.now() - committed} ms after its commit`,
        );
      } finally {
        await conn.end();
      }
      expect(await marker()).toBe('no reload');
      expect(loads()).toBe(loadsBefore);
      const updatedAt = Number(await page.locator('[data-testid="updated"]').getAttribute('data-at'));
      expect(Date.now() - updatedAt).toBeLessThan(30_000);

      // The API: validated filters, read-only, loopback only.
      const bad = await fetch(`${url}/api/sales?year=20x0`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/four-digit year/);
      const badCategory = await fetch(`${url}/api/sales?category=Books`);
      expect(badCategory.status).toBe(400);
      expect(((await badCategory.json()) as { error: string }).error).toBe(
        `unknown category "Books"; the warehouse's categories: ${[...new Set(docs.map((d) => d.type))].sort().join(', ')}`,
      );
      const noYear = await fetch(`${url}/api/sales?year=1999`);
      expect(noYear.status).toBe(400);
      for (const path of ['/sales', '/api/sales'])
        expect((await fetch(`${url}${path}`, { method: 'POST', body: 'x' })).status, path).toBe(405);
      expect(listeners(port)).toEqual([`0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`]);

      expect(problems).toEqual([]);

      // The two pages link to each other. (Leaving a page cancels its poll in flight: not a problem.)
      await page.click('[data-testid="health-link"]');
      await expect.poll(() => page.title()).toBe('Starling pipeline health');
      await page.click('[data-testid="sales-link"]');
      await expect.poll(() => page.title()).toBe('Starling sales dashboard');
      await expect.poll(() => page.locator('body[data-loaded="true"]').count(), { timeout: 30_000 }).toBe(1);
      expect(problems.filter((p) => !p.endsWith('net::ERR_ABORTED'))).toEqual([]);
      pipeline.kill('SIGTERM');
    });
  },
);

// ---- /api/sales at 300,000 facts ----

describe('/api/sales at 300,000 facts', () => {
  it('answers every chart and report from one round of queries; the time is printed', async () => {
    const FACTS = 300_000;
    const schema = uniqueName('it_sales_300k');
    const q = quoteIdentifier;
    const t = (name: string) => `${q(schema)}.${q(name)}`;
    cleanup.push(() => pool.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`));
    await buildSyntheticStar(pool, schema, FACTS);

    const salesPool = createSalesPool(base.postgres.warehouseUrl);
    cleanup.push(() => salesPool.end());
    // TTL 0: every request is a full refresh (the cost a poll pays once per second whatever the number of
    // browsers); the default TTL: what the other polls in that second pay.
    const servers: HttpServerHandle[] = [];
    for (const ttlMs of [0, 1000]) {
      const server = await startHttpServer({
        host: '127.0.0.1',
        port: 0,
        metrics: async () => '',
        health: async () => ({ status: 'ok', components: [] }),
        status: async () => ({}),
        sales: createSalesSource({ query: salesPool.query, schema, ttlMs }),
      });
      servers.push(server);
      cleanup.push(() => server.close());
    }
    const time = async (server: HttpServerHandle, path: string, runs: number) => {
      const ms: number[] = [];
      let body: SalesResponse | undefined;
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const res = await fetch(`${server.url}${path}`);
        body = (await res.json()) as SalesResponse;
        ms.push(Number(process.hrtime.bigint() - start) / 1e6);
        expect(res.status).toBe(200);
      }
      ms.sort((a, b) => a - b);
      return { body: body!, min: ms[0]!, median: ms[Math.floor(runs / 2)]!, max: ms[runs - 1]! };
    };
    await time(servers[0]!, '/api/sales', 1); // warms PostgreSQL's cache
    const cold = await time(servers[0]!, '/api/sales', 7);
    const coldFiltered = await time(servers[0]!, '/api/sales?year=2020&category=smart+phone', 7);
    await time(servers[1]!, '/api/sales', 1);
    const warm = await time(servers[1]!, '/api/sales', 20);
    const fmt = (r: { min: number; median: number; max: number }) =>
      `median ${r.median.toFixed(1)} ms (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})`;
    console.log(
      [
        `GET /api/sales at ${FACTS.toLocaleString('en')} facts (3 years, 56 countries, 3 categories), over HTTP:`,
        `  a full refresh (TTL 0: years, categories, charts, reports, per country), 7 runs:  ${fmt(cold)}`,
        `  the same with year=2020&category=smart phone, 7 runs:                          ${fmt(coldFiltered)}`,
        `  within the 1 s cache (what further polls pay), 20 runs:                        ${fmt(warm)}`,
      ].join('\n'),
    );

    // The answer against the warehouse: the charts against plain SQL over the facts, and the unfiltered
    // reports against the report views themselves (the dashboard's one GROUPING SETS equals all three).
    const body = cold.body;
    expect(body.filters.years).toEqual([2019, 2020, 2021]);
    expect(body.filters.year).toBe(2021);
    const monthly = await pool.query<{ month: number; total: string }>(
      `SELECT d."month", SUM(f."amount")::text AS total FROM ${t('FactSales')} f
         JOIN ${t('DimDate')} d ON d."dateid" = f."dateid" WHERE d."year" = 2021 GROUP BY 1 ORDER BY 1`,
    );
    expect(body.charts.monthly.map((m) => m.total)).toEqual(monthly.rows.map((r) => r.total));
    // Key order aside: the views list their columns in another order.
    const canonical = (rows: object[]) =>
      rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort()))).sort();
    const view = async (name: string) => (await pool.query(`SELECT * FROM ${t(name)}`)).rows as object[];
    expect(canonical(body.reports!.groupingSets)).toEqual(canonical(await view(REPORTS.groupingSets)));
    expect(canonical(body.reports!.rollup)).toEqual(canonical(await view(REPORTS.rollup)));
    expect(canonical(body.reports!.cube)).toEqual(canonical(await view(REPORTS.cube)));
    expect(body.reports!.totalSalesPerCountry).toHaveLength(56);
    const phones = coldFiltered.body;
    expect(phones.filters).toMatchObject({ year: 2020, category: 'smart phone' });
    const q4 = await pool.query<{ total: string }>(
      `SELECT SUM(f."amount")::text AS total FROM ${t('FactSales')} f
         JOIN ${t('DimDate')} d ON d."dateid" = f."dateid"
        WHERE d."year" = 2020 AND d."quarter" = 4 AND f."categoryid" = 202`,
    );
    expect(phones.charts.quarterly[3]!.total).toBe(q4.rows[0]!.total);
  });
});
