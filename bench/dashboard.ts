/**
 * The dashboard benchmark (`npx tsx bench/dashboard.ts [--facts N] [--runs R]`, part of `npm run bench`),
 * against the running local stack's warehouse, in a private schema removed at the end (also on failure).
 *
 * A synthetic SoftCart star of N facts (default 300,000: the "fast on 300,000 facts"), then, in the
 * same run, medians of R runs of:
 *   SCAN        one aggregate pass over every fact (SUM(amount) by year and month, joined with DimDate) sent
 *               straight to PostgreSQL: the database's own cost of touching each fact once — the baseline;
 *   API         GET /api/sales over HTTP with the cache off (TTL 0): every chart and report the page shows,
 *               what one poll costs once per second whatever the number of browsers;
 *   FILTERED    the same with year=2020&category=smart phone;
 *   CACHED      GET /api/sales within the 1 s cache: what every further poll in that second pays;
 *   TERMS, PROJECTION  the page's two other polls (/api/sales/terms over the course's 10,000 search terms,
 *               when the course files are there; /api/sales/projection over the star) without cache.
 * It reports milliseconds and each as a multiple of SCAN. It reports, it does not judge.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, REPO_ROOT } from '../core/config/load.js';
import { createSalesPool } from '../ops/http/sales/pool.js';
import { createProjectionSource } from '../ops/http/sales/projection-source.js';
import { createSalesSource } from '../ops/http/sales/source.js';
import { createTermsSource } from '../ops/http/sales/terms-source.js';
import { type HttpServerHandle, startHttpServer } from '../ops/http/server.js';
import { quoteIdentifier as q } from '../schemas/ddl/dialect-neutral.js';
import { seedCourseTable } from '../seeds/course-table-seed.js';
import { SEARCH_TERMS } from '../seeds/course-tables.js';
import { dataDirFor } from '../seeds/source.js';
import { uniqueName } from '../tests/support/context.js';
import { buildSyntheticStar } from '../tests/support/synthetic-star.js';
import { round } from './support/stats.js';

const { values: argv } = parseArgs({
  options: { facts: { type: 'string', default: '300000' }, runs: { type: 'string', default: '9' } },
});
const facts = Number(argv.facts);
const runs = Number(argv.runs);
const problems = [
  ...(Number.isInteger(facts) && facts >= 1000 && facts <= 50_000_000
    ? []
    : [`--facts "${argv.facts}" is not an integer from 1000 to 50000000`]),
  ...(Number.isInteger(runs) && runs >= 1 && runs <= 100
    ? []
    : [`--runs "${argv.runs}" is not an integer from 1 to 100`]),
];
if (problems.length) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(2);
}

const config = loadConfig();
const schema = uniqueName('bench_sales');
const admin = new pg.Pool({ connectionString: config.postgres.warehouseUrl, max: 2 });
const salesPool = createSalesPool(config.postgres.warehouseUrl);
const servers: HttpServerHandle[] = [];

/** Median of `runs` timings of `f`, in ms, after one warm-up call. */
async function median(f: () => Promise<unknown>): Promise<number> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await f();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return round(ms[Math.floor(runs / 2)]!, 1);
}

async function get(server: HttpServerHandle, path: string): Promise<void> {
  const res = await fetch(`${server.url}${path}`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
}

async function main(): Promise<void> {
  process.stderr.write(`building a synthetic star of ${facts.toLocaleString('en')} facts in ${schema}…\n`);
  await buildSyntheticStar(admin, schema, facts);
  const dataDir = dataDirFor(undefined);
  if (dataDir !== undefined) {
    const withSchema = { ...config, pipeline: { ...config.pipeline, warehouseSchema: schema } };
    await seedCourseTable({ config: withSchema, dataDir, table: SEARCH_TERMS, command: 'seed search-terms' });
  }
  for (const ttlMs of [0, 1000]) {
    const where = { query: salesPool.query, schema, ttlMs };
    servers.push(
      await startHttpServer({
        host: '127.0.0.1',
        port: 0,
        metrics: async () => '',
        health: async () => ({ status: 'ok' }),
        status: async () => ({}),
        sales: createSalesSource(where),
        salesTerms: createTermsSource(where),
        salesProjection: createProjectionSource(where),
      }),
    );
  }
  const [uncached, cached] = servers as [HttpServerHandle, HttpServerHandle];
  const t = (name: string) => `${q(schema)}.${q(name)}`;
  const scanSql = `SELECT d."year", d."month", SUM(f."amount") FROM ${t('FactSales')} f
    JOIN ${t('DimDate')} d ON d."dateid" = f."dateid" GROUP BY 1, 2`;
  const scan = await median(() => salesPool.query({ text: scanSql, values: [] }));
  const timings = {
    api: await median(() => get(uncached, '/api/sales')),
    filtered: await median(() => get(uncached, '/api/sales?year=2020&category=smart+phone')),
    cached: await median(() => get(cached, '/api/sales')),
    // Without the course's search terms the answer is only "not loaded": not a number to report.
    ...(dataDir !== undefined ? { terms: await median(() => get(uncached, '/api/sales/terms')) } : {}),
    projection: await median(() => get(uncached, '/api/sales/projection')),
  };
  const rows = [
    ['SCAN (baseline)', scan, 1],
    ...Object.entries(timings).map(([k, ms]) => [k.toUpperCase(), ms, round(ms / scan, 2)] as const),
  ] as const;
  const lines = [
    `dashboard at ${facts.toLocaleString('en')} facts, medians of ${runs} runs (ms; × one aggregate scan):`,
    ...rows.map(([name, ms, x]) => `  ${String(name).padEnd(16)} ${String(ms).padStart(8)} ms  ${x}×`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `dashboard-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ facts, runs, scanMs: scan, ms: timings, cpus: cpus().length, loadavg: loadavg() }, null, 2)}\n`,
  );
  process.stdout.write(`results: ${file}\n`);
}

try {
  await main();
} finally {
  for (const s of servers) await s.close();
  await salesPool.end();
  await admin.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`).catch(() => undefined);
  await admin.end();
}
