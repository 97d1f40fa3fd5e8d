import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../../schemas/ddl/dialect-neutral.js';
import { postgresDdl } from '../../schemas/ddl/postgres.js';
import {
  dropReportStatements,
  REPORTS,
  refreshReportStatements,
  reportStatements,
} from '../../schemas/ddl/reports.js';
import { softcartModel } from '../../schemas/softcart.js';
import { testConfig, uniqueName } from '../support/context.js';

// The SoftCart reports (schemas/ddl/reports.ts) on the real warehouse PostgreSQL: every report's rows are
// checked against aggregations computed here over the inserted facts, then the refresh of the materialized
// report is timed at 300,000 facts (printed, not asserted).
const config = testConfig();
const pool = new pg.Pool({ connectionString: config.postgres.warehouseUrl, max: 2 });
// A double quote in the schema name: every generated statement must quote it.
const schema = `${uniqueName('it_reports')}"q`;
const q = quoteIdentifier;
const t = (name: string) => `${q(schema)}.${q(name)}`;

const COUNTRIES: Array<[bigint, string]> = [
  [101n, 'Canada'],
  [102n, 'France'],
  [103n, 'India'],
  [104n, 'Japan'],
  [105n, 'Kenya'],
  [106n, 'Peru'], // no facts at first
];
const CATEGORIES: Array<[bigint, string]> = [
  [201n, 'laptop'],
  [202n, 'smart phone'],
  [203n, 'television'],
];
/** A country key that no DimCountry row has (its member not written yet): counted under a NULL country. */
const MEMBERLESS_COUNTRY = 999n;

interface Fact {
  orderid: number;
  countryid: bigint | null;
  categoryid: bigint | null;
  year: number;
  dateid: number;
  /** Cents; null for a sale without a price (the course's sales.sql rows). */
  amount: bigint | null;
}

/** The deterministic synthetic facts: 3 years, 5 countries + unresolved + memberless, 3 categories + unresolved. */
function syntheticFacts(): Fact[] {
  const facts: Fact[] = [];
  for (let i = 0; i < 120; i++) {
    const year = 2019 + (i % 3);
    const month = 1 + ((i * 5) % 12);
    const day = 1 + ((i * 7) % 28);
    const c = i % 7;
    const g = i % 4;
    const price = BigInt(100 + ((i * 7919) % 99_900));
    const quantity = BigInt(1 + (i % 4));
    facts.push({
      orderid: i + 1,
      countryid: c < 5 ? COUNTRIES[c]![0] : c === 5 ? null : MEMBERLESS_COUNTRY,
      categoryid: g < 3 ? CATEGORIES[g]![0] : null,
      year,
      dateid: year * 10_000 + month * 100 + day,
      amount: i % 17 === 16 ? null : price * quantity,
    });
  }
  return facts;
}

const countryName = (id: bigint | null) => COUNTRIES.find(([k]) => k === id)?.[1] ?? null;
const categoryName = (id: bigint | null) => CATEGORIES.find(([k]) => k === id)?.[1] ?? null;

function decimal(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** SUM and AVG per group, over the non-NULL amounts (as SQL does); a group exists once it has a fact. */
class Groups {
  private readonly groups = new Map<string, { key: unknown[]; sum: bigint; count: bigint }>();
  add(key: unknown[], amount: bigint | null) {
    const id = JSON.stringify(key, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const g = this.groups.get(id) ?? { key, sum: 0n, count: 0n };
    if (amount !== null) {
      g.sum += amount;
      g.count += 1n;
    }
    this.groups.set(id, g);
  }
  rows() {
    return [...this.groups.values()].map((g) => ({
      key: g.key,
      sum: g.count === 0n ? null : decimal(g.sum),
      avg: g.count === 0n ? null : Number(g.sum) / Number(g.count) / 100,
    }));
  }
}

const canonical = (rows: object[]) =>
  rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();

function expectedGroupingSets(facts: Fact[]) {
  const byCountry = new Groups();
  const byCategory = new Groups();
  for (const f of facts) {
    byCountry.add([countryName(f.countryid)], f.amount);
    byCategory.add([categoryName(f.categoryid)], f.amount);
  }
  return [
    ...byCountry.rows().map((g) => ({
      country: g.key[0],
      category: null,
      total_sales: g.sum,
      grouping_set: 'country',
    })),
    ...byCategory.rows().map((g) => ({
      country: null,
      category: g.key[0],
      total_sales: g.sum,
      grouping_set: 'category',
    })),
  ];
}

/** ROLLUP (year, country) and CUBE (year, country): [year, country, grouping_year, grouping_country] groups. */
function expectedYearCountry(facts: Fact[], cube: boolean) {
  const groups = new Groups();
  for (const f of facts) {
    const country = countryName(f.countryid);
    groups.add([f.year, country, 0, 0], f.amount);
    groups.add([f.year, null, 0, 1], f.amount);
    if (cube) groups.add([null, country, 1, 0], f.amount);
    groups.add([null, null, 1, 1], f.amount);
  }
  return groups.rows();
}

function expectedPerCountry(facts: Fact[]) {
  const groups = new Groups();
  for (const f of facts) groups.add([f.countryid, countryName(f.countryid)], f.amount);
  return groups.rows().map((g) => ({
    countryid: g.key[0] === null ? null : String(g.key[0]),
    country: g.key[1],
    total_sales: g.sum,
  }));
}

async function insertFacts(facts: Fact[]): Promise<void> {
  await pool.query(
    `INSERT INTO ${t('FactSales')} ("orderid", "countryid", "categoryid", "event_time", "dateid", "quantity",
            "price", "amount", "_starling_pos")
     SELECT o, co, ca, to_date(d::text, 'YYYYMMDD')::timestamp, d, 1, a, a, lpad(o::text, 20, '0')
       FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::int[], $5::numeric[]) AS x(o, co, ca, d, a)`,
    [
      facts.map((f) => f.orderid),
      facts.map((f) => f.countryid?.toString() ?? null),
      facts.map((f) => f.categoryid?.toString() ?? null),
      facts.map((f) => f.dateid),
      facts.map((f) => (f.amount === null ? null : decimal(f.amount))),
    ],
  );
}

async function view<R>(name: string): Promise<R[]> {
  return (await pool.query(`SELECT * FROM ${t(name)}`)).rows as R[];
}

interface YearCountryRow {
  year: number | null;
  country: string | null;
  grouping_year: number;
  grouping_country: number;
}

/** Every report's rows against the aggregations computed over `facts` in TypeScript. */
async function checkReports(facts: Fact[]): Promise<void> {
  const gs = await view<Record<string, unknown>>(REPORTS.groupingSets);
  expect(canonical(gs)).toEqual(canonical(expectedGroupingSets(facts)));

  const rollup = await view<YearCountryRow & { total_sales: string | null }>(REPORTS.rollup);
  expect(canonical(rollup)).toEqual(
    canonical(
      expectedYearCountry(facts, false).map((g) => ({
        year: g.key[0],
        country: g.key[1],
        total_sales: g.sum,
        grouping_year: g.key[2],
        grouping_country: g.key[3],
      })),
    ),
  );

  const cube = await view<YearCountryRow & { average_sales: string | null }>(REPORTS.cube);
  const expectedCube = expectedYearCountry(facts, true);
  const keyOf = (r: YearCountryRow) =>
    JSON.stringify([r.year, r.country, r.grouping_year, r.grouping_country]);
  expect(cube.map(keyOf).sort()).toEqual(expectedCube.map((g) => JSON.stringify(g.key)).sort());
  for (const row of cube) {
    const expected = expectedCube.find((g) => JSON.stringify(g.key) === keyOf(row))!;
    expect(row.average_sales === null ? null : Number(row.average_sales)).toBeCloseTo(expected.avg!, 9);
  }
}

/** The materialized report against the TypeScript aggregation and a plain SQL one (no join, no view). */
async function checkPerCountry(facts: Fact[]): Promise<void> {
  const rows = await view<Record<string, unknown>>(REPORTS.totalSalesPerCountry);
  expect(canonical(rows)).toEqual(canonical(expectedPerCountry(facts)));
  const plain = await pool.query(
    `SELECT f."countryid",
            (SELECT c."country" FROM ${t('DimCountry')} c WHERE c."countryid" = f."countryid") AS "country",
            SUM(f."amount") AS "total_sales"
       FROM ${t('FactSales')} f GROUP BY f."countryid"`,
  );
  expect(canonical(rows)).toEqual(canonical(plain.rows));
}

async function refresh(): Promise<void> {
  for (const sql of refreshReportStatements('postgres', schema)) await pool.query(sql);
}

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${q(schema)}`);
  await pool.query(postgresDdl(softcartModel, { schema }));
  for (const sql of reportStatements('postgres', schema)) await pool.query(sql);
  await pool.query(
    `INSERT INTO ${t('DimDate')}
     SELECT to_char(d, 'YYYYMMDD')::int, d, extract(year FROM d), extract(quarter FROM d),
            'Q' || extract(quarter FROM d), extract(month FROM d), to_char(d, 'FMMonth'), extract(day FROM d),
            extract(dow FROM d) + 1, to_char(d, 'FMDay')
       FROM generate_series(date '2019-01-01', date '2021-12-31', interval '1 day') AS g(d)`,
  );
  await pool.query(
    `INSERT INTO ${t('DimCountry')} ("countryid", "country") SELECT * FROM unnest($1::bigint[], $2::text[])`,
    [COUNTRIES.map(([k]) => k.toString()), COUNTRIES.map(([, v]) => v)],
  );
  await pool.query(
    `INSERT INTO ${t('DimCategory')} ("categoryid", "category") SELECT * FROM unnest($1::bigint[], $2::text[])`,
    [CATEGORIES.map(([k]) => k.toString()), CATEGORIES.map(([, v]) => v)],
  );
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
  await pool.end();
});

describe('SoftCart reports on PostgreSQL', () => {
  let facts = syntheticFacts();

  it('the views and the materialized report match aggregations computed independently', async () => {
    await insertFacts(facts);
    // Materialized: still the (empty) content of its creation until refreshed.
    expect(await view(REPORTS.totalSalesPerCountry)).toEqual([]);
    await checkReports(facts);
    await refresh();
    await checkPerCountry(facts);

    // Spot checks of the shape: unresolved facts are counted; ROLLUP and CUBE have their totals.
    const gs = await view<{ country: string | null; grouping_set: string }>(REPORTS.groupingSets);
    expect(gs.filter((r) => r.grouping_set === 'country' && r.country === null)).toHaveLength(1);
    const rollup = await view<YearCountryRow>(REPORTS.rollup);
    expect(rollup.filter((r) => r.grouping_year === 1)).toHaveLength(1);
    expect(rollup.filter((r) => r.grouping_year === 0 && r.grouping_country === 1)).toHaveLength(3);
    const cube = await view<YearCountryRow>(REPORTS.cube);
    expect(cube.filter((r) => r.grouping_year === 1 && r.grouping_country === 0)).toHaveLength(6);
    const total = await pool.query<{ s: string }>(`SELECT SUM("amount") AS s FROM ${t('FactSales')}`);
    expect(rollup.length).toBe(3 * 6 + 3 + 1);
    expect(
      (await view<{ total_sales: string; grouping_year: number }>(REPORTS.rollup)).find(
        (r) => r.grouping_year === 1,
      )?.total_sales,
    ).toBe(total.rows[0]!.s);
  });

  it('follows changed facts after a refresh: late members resolved, deletes, updates, new countries', async () => {
    await pool.query(`UPDATE ${t('FactSales')} SET "countryid" = 105 WHERE "countryid" IS NULL`);
    await pool.query(
      `DELETE FROM ${t('FactSales')} WHERE "countryid" = 101 AND "dateid" BETWEEN 20190101 AND 20191231`,
    );
    await pool.query(`UPDATE ${t('FactSales')} SET "amount" = "amount" + 0.01 WHERE "orderid" % 5 = 0`);
    const added: Fact[] = [0, 1, 2].map((i) => ({
      orderid: 1000 + i,
      countryid: 106n,
      categoryid: null,
      year: 2021,
      dateid: 20211201 + i,
      amount: 333n + BigInt(i),
    }));
    await insertFacts(added);
    facts = [
      ...facts
        .map((f) => ({ ...f, countryid: f.countryid ?? 105n }))
        .filter((f) => !(f.countryid === 101n && f.year === 2019))
        .map((f) => (f.orderid % 5 === 0 && f.amount !== null ? { ...f, amount: f.amount + 1n } : f)),
      ...added,
    ];
    await checkReports(facts);
    await refresh();
    await checkPerCountry(facts);
    expect(
      (await view<{ countryid: string | null }>(REPORTS.totalSalesPerCountry)).some(
        (r) => r.countryid === null,
      ),
    ).toBe(false);
  });

  it('a concurrent refresh does not block readers', async () => {
    const refresher = await pool.connect();
    const reader = await pool.connect();
    try {
      await refresher.query('BEGIN');
      for (const sql of refreshReportStatements('postgres', schema)) await refresher.query(sql);
      // The refresher's transaction still holds its lock; a reader gets the rows at once.
      await reader.query(`SET statement_timeout = '5s'`);
      const { rows } = await reader.query(
        `SELECT count(*)::int AS n FROM ${t(REPORTS.totalSalesPerCountry)}`,
      );
      expect(rows[0].n).toBeGreaterThan(0);
      await refresher.query('COMMIT');
    } finally {
      await reader.query('RESET statement_timeout');
      refresher.release();
      reader.release();
    }
  });

  it('times the refresh of total_sales_per_country at 300,000 facts', async () => {
    const FACTS = 300_000;
    const countries = 56;
    await pool.query(`TRUNCATE ${t('FactSales')}`);
    await pool.query(
      `INSERT INTO ${t('DimCountry')} ("countryid", "country")
       SELECT 1000 + g, 'Country ' || lpad(g::text, 2, '0') FROM generate_series(0, $1::int - 1) g`,
      [countries],
    );
    await pool.query(
      `INSERT INTO ${t('FactSales')} ("orderid", "countryid", "categoryid", "event_time", "dateid", "quantity",
              "price", "amount", "_starling_pos")
       SELECT g, 1000 + g % $2::int, 201 + g % 3, d, to_char(d, 'YYYYMMDD')::int, 1 + g % 4, p, p * (1 + g % 4),
              lpad(g::text, 20, '0')
         FROM generate_series(1, $1::int) g,
              LATERAL (SELECT timestamp '2019-01-01' + (g % 1096) * interval '1 day' AS d,
                              ((g::bigint * 7919) % 99900 + 100) / 100.0 AS p) x`,
      [FACTS, countries],
    );
    await pool.query(`VACUUM ANALYZE ${t('FactSales')}`);
    await pool.query(`ANALYZE ${t('DimCountry')}`);
    await refresh(); // the first one after the bulk load rewrites every row

    const time = async (sql: string, runs = 5) => {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        await pool.query(sql);
        ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      ms.sort((a, b) => a - b);
      return { min: ms[0]!, median: ms[Math.floor(runs / 2)]!, max: ms[runs - 1]! };
    };
    const [refreshSql] = refreshReportStatements('postgres', schema);
    const concurrent = await time(refreshSql!);
    const blocking = await time(`REFRESH MATERIALIZED VIEW ${t(REPORTS.totalSalesPerCountry)}`);
    const select = await time(
      `SELECT f."countryid", c."country", SUM(f."amount") FROM ${t('FactSales')} f
         LEFT JOIN ${t('DimCountry')} c ON c."countryid" = f."countryid" GROUP BY 1, 2`,
    );
    const fmt = (r: { min: number; median: number; max: number }) =>
      `median ${r.median.toFixed(1)} ms (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})`;
    console.log(
      [
        `total_sales_per_country at ${FACTS.toLocaleString('en')} facts, ${countries} countries, 5 runs each:`,
        `  REFRESH MATERIALIZED VIEW CONCURRENTLY: ${fmt(concurrent)}`,
        `  REFRESH MATERIALIZED VIEW (blocking):   ${fmt(blocking)}`,
        `  its SELECT alone:                       ${fmt(select)}`,
      ].join('\n'),
    );

    const count = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t('FactSales')}`);
    expect(count.rows[0]!.n).toBe(FACTS);
    const rows = await view<{ countryid: string }>(REPORTS.totalSalesPerCountry);
    expect(rows).toHaveLength(countries);
  });

  it('the drop statements remove every report object', async () => {
    for (const sql of dropReportStatements('postgres', schema)) await pool.query(sql);
    const { rows } = await pool.query(
      `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND relkind IN ('v', 'm')`,
      [schema],
    );
    expect(rows).toEqual([]);
    // And they can be created again.
    for (const sql of reportStatements('postgres', schema)) await pool.query(sql);
  });
});
