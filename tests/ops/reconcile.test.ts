import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log/logger.js';
import { reconcile } from '../../ops/reconcile/reconcile.js';
import type { ReconcileReport, TableResult } from '../../ops/reconcile/types.js';
import { softcartModel } from '../../schemas/softcart.js';
import { dataDirFor } from '../../seeds/source.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { createWarehouseSink } from '../../sinks/warehouse/warehouse-sink.js';
import { createConformService } from '../../streams/conform/conform-service.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import { sourceChecksums, stagingChecksums } from '../support/mirror-checksum.js';
import { caughtUp, newStar } from '../support/star.js';
import { seedStarSources } from '../support/star-scenario.js';

// `starling reconcile` against the real stack: SoftCart seeded into a private database, captured, mirrored
// into staging and conformed into a private warehouse schema by the pipeline running in this process, plus
// two tables unrelated to SoftCart (every common column type; a composite key led by text). Once converged,
// reconcile must be clean; after the pipeline is stopped and staging and the warehouse are corrupted by
// hand, it must name each corrupted key with the right kind of difference.
const base = testConfig();
const cap = newCapture(base, 'it_reconcile');
const star = newStar(cap);
const log = createLogger(process.env.IT_LOG === '1' ? 'info' : 'silent');
// The staging sink mirrors this capture's own tables only (the catalog stand-in's topic would otherwise
// land in the shared staging schema "catalog").
const stagingConfig = loadConfig({
  ...process.env,
  ...cap.env,
  STARLING_STAGING_TOPICS: `^${cap.prefix}\\.${cap.db}\\.[^.]+$`,
});
/** What a `starling reconcile` of this capture needs: the star's settings and the capture's database. */
const env = { ...star.env, STARLING_SOURCE_DATABASES: cap.db };
const config = loadConfig({ ...process.env, ...env });
const errors: Error[] = [];
const stagingSink = createStagingSink(stagingConfig, log, (e) => errors.push(e));
const conform = createConformService(star.config, softcartModel, log, (e) => errors.push(e));
const warehouse = createWarehouseSink(star.config, softcartModel, log, (e) => errors.push(e));
const stagingDb = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });
const warehouseDb = new pg.Pool({ connectionString: base.postgres.warehouseUrl, max: 2 });
let stopped = false;

async function stopPipeline(): Promise<void> {
  if (stopped) return;
  stopped = true;
  await stagingSink.stop();
  await conform.stop();
  await warehouse.stop();
}

const EVERY_TYPE_DDL = `CREATE TABLE every_type (
  id INT PRIMARY KEY,
  i8 TINYINT, i16 SMALLINT, i64 BIGINT, u64 BIGINT UNSIGNED,
  amount DECIMAL(12,2), big DECIMAL(38,10),
  f FLOAT, d DOUBLE,
  dt6 DATETIME(6), dt0 DATETIME, ts3 TIMESTAMP(3) NULL, day DATE, tm TIME(6),
  name VARCHAR(100), body TEXT, doc JSON, color ENUM('red','green','blue'), tags SET('a','b','c'),
  flag BIT(1), raw VARBINARY(16)
) CHARACTER SET utf8mb4`;

const EVERY_TYPE_ROWS = [
  `(1, -128, -32768, -9223372036854775808, 18446744073709551615, 9999999999.99, 12345678901234567890123456.0123456789,
    1.5, 2.718281828459045, '2024-02-29 13:45:59.123456', '1999-12-31 23:59:59', '2038-01-19 03:14:07.999', '0001-01-01',
    '-838:59:59.000000', 'Zoë 日本 🐦 a|b~', 'line1\\nline2 \\'quoted\\'', '{"k": [1, "two", {"x": null}], "a": 1.50}',
    'green', 'a,c', b'1', X'00FF10')`,
  `(2, 0, 0, 0, 0, -0.01, -0.0000000001, -0.000123, -1e300, '1970-01-01 00:00:00.000001', NULL, NULL, '9999-12-31',
    '00:00:00', '', NULL, 'null', NULL, '', b'0', X'')`,
  `(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
];

/** A composite key led by text whose code-point order differs from MariaDB's collation order. */
const REGIONS = ['alpha', 'Beta', 'zeta', 'Ägypten', '日本', '😀 emoji', 'a|b'];
const COMPOSITE_DDL = `CREATE TABLE composite_key (region VARCHAR(20) NOT NULL, n INT NOT NULL, amount DECIMAL(9,3),
  label VARCHAR(50), PRIMARY KEY (region, n)) CHARACTER SET utf8mb4`;

beforeAll(async () => {
  await seedStarSources(base, cap, star, dataDirFor(undefined));
  const conn = await mysqlConnection(base, cap.db);
  try {
    await conn.query(EVERY_TYPE_DDL);
    await conn.query(`INSERT INTO every_type VALUES ${EVERY_TYPE_ROWS.join(', ')}`);
    await conn.query(COMPOSITE_DDL);
    const rows = REGIONS.flatMap((r) =>
      Array.from({ length: 40 }, (_, n) => [r, n, n * 1.125, `${r} #${n}`]),
    );
    await conn.query('INSERT INTO composite_key (region, n, amount, label) VALUES ?', [rows]);
  } finally {
    await conn.end();
  }
  await cap.start();
  await stagingSink.runner.start();
  await conform.start();
  await warehouse.start();
});

afterAll(async () => {
  await stopPipeline().catch(() => undefined);
  await stagingDb.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await stagingDb.end();
  await warehouseDb.end();
  await star.drop().catch(() => undefined);
  const failed = await cap.drop();
  expect(failed).toEqual([]);
});

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['every_type', 'composite_key']) {
    const r = await stagingDb.query(`SELECT count(*)::int AS n FROM "${cap.db}"."${t}"`).catch(() => ({
      rows: [{ n: -1 }],
    }));
    out[t] = r.rows[0].n;
  }
  const f = await warehouseDb
    .query(`SELECT count(*)::int AS n FROM "${star.schema}"."FactSales"`)
    .catch(() => ({ rows: [{ n: -1 }] }));
  out.facts = f.rows[0].n;
  return out;
}

const byTable = (r: ReconcileReport, kind: TableResult['kind'], table: string) => {
  const t = r.tables.find((x) => x.kind === kind && x.source === `${cap.db}.${table}`);
  if (!t)
    throw new Error(`no ${kind} comparison of ${table} in ${JSON.stringify(r.tables.map((x) => x.source))}`);
  return t;
};

describe('starling reconcile: sources vs staging vs the warehouse star', () => {
  it('the pipeline converges (independent checks: mirror checksums, row counts, consumer lag)', async () => {
    const sums = await sourceChecksums(base, cap.db);
    const sales = Number(sums.sales_data!.split(':')[0]);
    await expect
      .poll(() => stagingChecksums(stagingDb, cap.db), { timeout: 150_000, interval: 1000 })
      .toEqual(sums);
    await expect
      .poll(counts, { timeout: 120_000, interval: 1000 })
      .toEqual({ every_type: 3, composite_key: REGIONS.length * 40, facts: sales });
    await expect
      .poll(() => caughtUp(config, [cap.group, star.conformGroup, star.warehouseGroup]), {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe(true);
    expect(errors).toEqual([]);
  }, 400_000);

  it('is clean after convergence: every table, the facts, their aggregates and dimension links', async () => {
    const r = await reconcile(config);
    const summary = r.tables.map((t) => [t.kind, t.source, t.status, ...t.problems, ...t.notes]);
    expect(summary).toEqual([
      ['staging', `${cap.db}.composite_key`, 'ok'],
      ['staging', `${cap.db}.customers`, 'ok'],
      ['staging', `${cap.db}.every_type`, 'ok'],
      ['staging', `${cap.db}.sales_data`, 'ok'],
      ['fact', `${cap.db}.sales_data`, 'ok'],
    ]);
    expect(r.clean).toBe(true);
    const types = byTable(r, 'staging', 'every_type');
    expect(types.columns).toHaveLength(20); // every column but the key, BIT(1) and JSON included
    const facts = byTable(r, 'fact', 'sales_data');
    expect(facts.target).toBe(`${star.schema}.FactSales`);
    expect(facts.counts!.source).toBeGreaterThan(1000);
    expect(facts.counts!.target).toBe(facts.counts!.source);
    expect(facts.aggregates!.map((a) => a.name)).toEqual([
      'count',
      'sum(quantity)',
      'sum(price)',
      'sum(amount)',
    ]);
    expect(facts.aggregates!.every((a) => a.equal && a.source !== null)).toBe(true);
    expect(facts.dimensions).toEqual([]);
    // Small segments: the text-led composite key is split at sampled boundaries, many levels deep.
    const fine = await reconcile(config, { tables: [`${cap.db}.composite_key`], segmentRows: 3 });
    expect(fine.tables.map((t) => t.status)).toEqual(['ok']);
  });

  it('the CLI reports the clean state with exit code 0', async () => {
    const cli = await starling(['reconcile'], env);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`OK           ${cap.db}.sales_data -> warehouse ${star.schema}.FactSales:`);
    expect(cli.stdout.trim().split('\n').at(-1)).toBe('Clean: 5 comparisons, no differences.');
    process.stdout.write(`\n--- starling reconcile (clean) ---\n${cli.stdout}`);
  });

  it('names each corrupted key in staging and in the warehouse, and the fact aggregate difference', async () => {
    await stopPipeline();
    const conn = await mysqlConnection(base, cap.db);
    const [idRows] = await conn.query('SELECT rowid, quantity FROM sales_data ORDER BY rowid');
    await conn.end();
    const ids = (idRows as Array<{ rowid: number; quantity: number }>).map((r) => ({
      rowid: Number(r.rowid),
      quantity: Number(r.quantity),
    }));
    const [changed, deleted] = [ids[10]!, ids[Math.floor(ids.length / 2)]!];
    const extra = ids.at(-1)!.rowid + 1000;
    const [factChanged, factDeleted] = [ids[20]!, ids[ids.length - 40]!];
    const factExtra = ids.at(-1)!.rowid + 2000;

    const s = `"${cap.db}"`;
    await stagingDb.query(`UPDATE ${s}.sales_data SET quantity = quantity + 1 WHERE rowid = $1`, [
      changed.rowid,
    ]);
    await stagingDb.query(`DELETE FROM ${s}.sales_data WHERE rowid = $1`, [deleted.rowid]);
    await stagingDb.query(
      `INSERT INTO ${s}.sales_data (rowid, product_id, customer_id, price, quantity, "timestamp", _starling_pos, _starling_op)
       VALUES ($1, 1, 1, 9.99, 1, '2024-01-01 00:00:00', 'b:corrupted', 'c')`,
      [extra],
    );
    // One microsecond, and (in another row) a JSON document alone: each must show.
    await stagingDb.query(`UPDATE ${s}.every_type SET dt6 = dt6 + interval '1 microsecond' WHERE id = 1`);
    await stagingDb.query(`UPDATE ${s}.every_type SET doc = '[1, 2]' WHERE id = 2`);
    await stagingDb.query(`UPDATE ${s}.composite_key SET label = 'changed' WHERE region = '日本' AND n = 17`);

    const f = `"${star.schema}"."FactSales"`;
    await warehouseDb.query(`UPDATE ${f} SET quantity = quantity + 1 WHERE orderid = $1`, [
      factChanged.rowid,
    ]);
    // The extra fact copies the one about to be deleted, with an item key that names no DimItem member.
    await warehouseDb.query(
      `INSERT INTO ${f} (orderid, itemid, categoryid, customerkey, countryid, product_id, customer_id, event_time,
                         dateid, quantity, price, amount, _starling_pos)
       SELECT $1, 42, categoryid, customerkey, countryid, product_id, customer_id, event_time, dateid, quantity,
              price, amount, _starling_pos FROM ${f} WHERE orderid = $2`,
      [factExtra, factDeleted.rowid],
    );
    await warehouseDb.query(`DELETE FROM ${f} WHERE orderid = $1`, [factDeleted.rowid]);

    const r = await reconcile(config);
    expect(r.clean).toBe(false);
    const sales = byTable(r, 'staging', 'sales_data');
    expect(sales.status).toBe('differs');
    expect(sales.counts!.source).toBe(sales.counts!.target);
    expect(sales.differences).toEqual([
      {
        key: [String(changed.rowid)],
        kind: 'differs',
        columns: [
          { column: 'quantity', source: String(changed.quantity), target: String(changed.quantity + 1) },
        ],
      },
      { key: [String(deleted.rowid)], kind: 'missing' },
      { key: [String(extra)], kind: 'extra' },
    ]);
    expect(sales.complete).toBe(true);
    expect(byTable(r, 'staging', 'customers').status).toBe('ok');
    expect(byTable(r, 'staging', 'every_type').differences).toEqual([
      {
        key: ['1'],
        kind: 'differs',
        columns: [
          { column: 'dt6', source: '2024-02-29 13:45:59.123456', target: '2024-02-29 13:45:59.123457' },
        ],
      },
      { key: ['2'], kind: 'differs', columns: [{ column: 'doc', source: 'null', target: '[1, 2]' }] },
    ]);
    expect(byTable(r, 'staging', 'composite_key').differences).toEqual([
      {
        key: ['日本', '17'],
        kind: 'differs',
        columns: [{ column: 'label', source: '日本 #17', target: 'changed' }],
      },
    ]);

    const facts = byTable(r, 'fact', 'sales_data');
    expect(facts.status).toBe('differs');
    expect(facts.differences).toEqual([
      {
        key: [String(factChanged.rowid)],
        kind: 'differs',
        columns: [
          {
            column: 'quantity',
            source: String(factChanged.quantity),
            target: String(factChanged.quantity + 1),
          },
        ],
      },
      { key: [String(factDeleted.rowid)], kind: 'missing' },
      { key: [String(factExtra)], kind: 'extra' },
    ]);
    const aggregates = Object.fromEntries(facts.aggregates!.map((a) => [a.name, a]));
    expect(aggregates.count!.equal).toBe(true);
    expect(aggregates['sum(quantity)']!.equal).toBe(false);
    expect(BigInt(aggregates['sum(quantity)']!.target!)).toBe(
      BigInt(aggregates['sum(quantity)']!.source!) + 1n,
    );
    // The extra fact copies the deleted one's measures: price and amount sums still agree.
    expect(aggregates['sum(price)']!.equal).toBe(true);
    expect(facts.dimensions!.find((d) => d.dimension === 'DimItem')).toMatchObject({
      count: 1,
      examples: [[String(factExtra)]],
    });

    const cli = await starling(['reconcile'], env);
    expect(cli.code).toBe(1);
    const out = cli.stdout;
    expect(out).toContain(
      `rowid=${changed.rowid}: differs in staging: quantity source ${changed.quantity}, staging ${changed.quantity + 1}`,
    );
    expect(out).toContain(`rowid=${deleted.rowid}: missing in staging`);
    expect(out).toContain(`rowid=${extra}: extra in staging`);
    expect(out).toContain(
      `orderid=${factChanged.rowid}: differs in warehouse: quantity source ${factChanged.quantity}, warehouse ${factChanged.quantity + 1}`,
    );
    expect(out).toContain(`orderid=${factDeleted.rowid}: missing in warehouse`);
    expect(out).toContain(`orderid=${factExtra}: extra in warehouse`);
    expect(out).toContain(
      `aggregates differ: sum(quantity) source ${aggregates['sum(quantity)']!.source}, warehouse ${aggregates['sum(quantity)']!.target}`,
    );
    expect(out).toContain(
      'region="日本", n=17: differs in staging: label source "日本 #17", staging changed',
    );
    expect(out.trim().split('\n').at(-1)).toBe('Differences in 4 of 5 comparisons.');
    process.stdout.write(`\n--- starling reconcile (corrupted) ---\n${out}`);
  });

  it('--json and --table: the chosen table and its fact table, everything in the report', async () => {
    const cli = await starling(
      ['reconcile', '--json', '--table', `${cap.db}.sales_data`, '--segment-rows', '16'],
      env,
    );
    expect(cli.code).toBe(1);
    const report = JSON.parse(cli.stdout) as ReconcileReport;
    expect(report.segmentRows).toBe(16);
    expect(report.tables.map((t) => [t.kind, t.source, t.status])).toEqual([
      ['staging', `${cap.db}.sales_data`, 'differs'],
      ['fact', `${cap.db}.sales_data`, 'differs'],
    ]);
    expect(report.tables.map((t) => t.differences.map((d) => d.kind))).toEqual([
      ['differs', 'missing', 'extra'],
      ['differs', 'missing', 'extra'],
    ]);
  });

  it('reports every option problem at once, with exit code 2', async () => {
    const cli = await starling(
      ['reconcile', '--table', 'nodot', '--table', `${cap.db}.no_such_table`, '--segment-rows', '0'],
      env,
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('the reconcile options have 2 problems');
    expect(cli.stderr).toContain('--table "nodot" is not of the form database.table');
    expect(cli.stderr).toContain('--segment-rows "0" is not a whole number of at least 1');
    const unknown = await starling(['reconcile', '--table', `${cap.db}.no_such_table`], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`starling: --table ${cap.db}.no_such_table: no such table in MariaDB\n`);
  });
});
