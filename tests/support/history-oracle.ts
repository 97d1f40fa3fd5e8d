import { readFileSync } from 'node:fs';
import type { StarlingConfig } from '../../core/config/load.js';
import { mysqlConnection } from './context.js';
import { loadOracleCatalog as loadCatalogTable } from './star.js';

/**
 * The oracle of SCD2 history: sources hold only current state, so what each customer's country was, and
 * when, comes from the workload's own log of the changes it committed (in commit order), on top of the
 * state before the workload. Deliberately simple and independent of the runtime (no streams/ code).
 */
export interface LogLine {
  seq: number;
  txn: number;
  op: 'insert' | 'update' | 'delete' | 'pk';
  table: 'sales_data' | 'customers' | 'electronics';
  key: Record<string, number>;
  values: Record<string, string | number | null> | null;
}

export function readLog(file: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogLine);
}

export interface OracleVersion {
  customer_id: number;
  country: string;
  valid_from: string;
  valid_to: string;
}

/**
 * Each customer's versions: its changes ordered by business time (updated_at), consecutive equal
 * countries merged, the first version open from 0001-01-01 (facts older than the first change belong to
 * it), the last open to 9999-12-31.
 */
export function customerVersions(
  before: Array<{ customer_id: number; country: string; updated_at: string }>,
  log: LogLine[],
): OracleVersion[] {
  const changes = new Map<number, Array<{ at: string; country: string; seq: number }>>();
  const add = (id: number, at: string, country: string, seq: number) => {
    const list = changes.get(id) ?? [];
    list.push({ at: normal(at), country, seq });
    changes.set(id, list);
  };
  for (const c of before) add(c.customer_id, c.updated_at, c.country, -1);
  for (const l of log)
    if (l.table === 'customers' && l.values && (l.op === 'insert' || l.op === 'update'))
      add(l.key.customer_id!, String(l.values.updated_at), String(l.values.country), l.seq);
  const out: OracleVersion[] = [];
  for (const [id, list] of [...changes].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => (a.at === b.at ? a.seq - b.seq : a.at < b.at ? -1 : 1));
    const versions: OracleVersion[] = [];
    for (const c of list) {
      const last = versions.at(-1);
      if (last && last.country === c.country) continue;
      if (last) last.valid_to = c.at;
      versions.push({
        customer_id: id,
        country: c.country,
        valid_from: versions.length === 0 ? '0001-01-01 00:00:00.000000' : c.at,
        valid_to: '9999-12-31 00:00:00.000000',
      });
    }
    out.push(...versions);
  }
  return out;
}

/** The catalog after the log's catalog changes. */
export function finalCatalog(
  docs: Array<{ product_id: number; type: string; model: string }>,
  log: LogLine[],
): Array<{ product_id: number; type: string; model: string }> {
  const byId = new Map(docs.map((d) => [d.product_id, { ...d }]));
  for (const l of log) {
    if (l.table !== 'electronics' || !l.values) continue;
    const id = l.key.product_id!;
    const cur = byId.get(id) ?? { product_id: id, type: '', model: '' };
    byId.set(id, { ...cur, ...(l.values as Record<string, string>), product_id: id });
  }
  return [...byId.values()];
}

/** Stores the versions in the oracle database, for the SQL that computes the expected facts. */
export async function loadOracleVersions(
  config: StarlingConfig,
  db: string,
  versions: OracleVersion[],
): Promise<void> {
  const conn = await mysqlConnection(config);
  try {
    const t = `\`${db}_oracle\`.customer_versions`;
    await conn.query(
      `CREATE TABLE IF NOT EXISTS ${t} (customer_id INT, country VARCHAR(64), valid_from DATETIME(6), valid_to DATETIME(6), PRIMARY KEY (customer_id, valid_from))`,
    );
    await conn.query(`DELETE FROM ${t}`);
    for (let i = 0; i < versions.length; i += 500) {
      const chunk = versions.slice(i, i + 500);
      await conn.query(
        `INSERT INTO ${t} VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((v) => [v.customer_id, v.country, v.valid_from, v.valid_to]),
      );
    }
  } finally {
    await conn.end();
  }
}

/** The SQL expression of a sale's country at its time, from the oracle's versions. */
export function countryAtSaleTime(db: string): string {
  return `(SELECT v.country FROM \`${db}_oracle\`.customer_versions v
            WHERE v.customer_id = s.customer_id AND v.valid_from <= s.\`timestamp\` AND s.\`timestamp\` < v.valid_to)`;
}

/** 'yyyy-mm-dd hh:mm:ss[.ffffff]' -> 'yyyy-mm-dd hh:mm:ss.ffffff'. */
function normal(at: string): string {
  const [d, t = '00:00:00'] = at.replace('T', ' ').split(' ');
  const [hms = '00:00:00', frac = ''] = t.split('.');
  return `${d} ${hms}.${frac.padEnd(6, '0').slice(0, 6)}`;
}

/**
 * Everything the oracle needs after a workload: the log read back, the final catalog and the customer
 * versions stored in the oracle database. Returns the versions and the log; expected facts then come from
 * `expectedFacts(config, db, countryAtSaleTime(db))` (tests/support/star.ts).
 */
export async function buildOracle(
  config: StarlingConfig,
  db: string,
  before: Array<{ customer_id: number; country: string; updated_at: string }>,
  docs: Array<{ product_id: number; type: string; model: string }>,
  logFile: string,
): Promise<{ lines: LogLine[]; versions: OracleVersion[] }> {
  const lines = readLog(logFile);
  const versions = customerVersions(before, lines);
  await loadCatalogTable(config, db, finalCatalog(docs, lines));
  await loadOracleVersions(config, db, versions);
  return { lines, versions };
}

/** The customers before a workload, as the oracle's starting point. */
export async function customersBefore(
  config: StarlingConfig,
  db: string,
): Promise<Array<{ customer_id: number; country: string; updated_at: string }>> {
  const conn = await mysqlConnection(config, db);
  try {
    const [rows] = await conn.query(
      `SELECT customer_id, country, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') AS updated_at FROM customers`,
    );
    return rows as Array<{ customer_id: number; country: string; updated_at: string }>;
  } finally {
    await conn.end();
  }
}
