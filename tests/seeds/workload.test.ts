import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { tableChecksums } from './checksum.js';

const config = testConfig();
const logDir = mkdtempSync(join(tmpdir(), 'starling-load-'));
const databases: string[] = [];

afterAll(async () => {
  const conn = await mysqlConnection(config);
  for (const db of databases) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.end();
  rmSync(logDir, { recursive: true, force: true });
});

/** A database seeded with the built-in data (the same on every machine), then loaded by the workload. */
async function seededThenLoaded(seed: number, txnSize: number) {
  const db = uniqueName('it_load');
  databases.push(db);
  await seedSoftcart({ config, database: db, dataDir: undefined });
  const logFile = join(logDir, `${db}.jsonl`);
  const result = await runWorkload({ config, database: db, rate: 200, durationS: 3, seed, txnSize, logFile });
  const conn = await mysqlConnection(config, db);
  const checksums = await tableChecksums(conn);
  const [stamped] = await conn.query('SELECT COUNT(*) AS n FROM sales_data WHERE commit_ts IS NOT NULL');
  await conn.end();
  const log = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { seq: number; op: string; table: string; key: Record<string, number> });
  return { result, checksums, log, stamped: Number((stamped as { n: string }[])[0]!.n) };
}

describe('starling load (the workload generator)', () => {
  it('commits rate × duration changes, logs each in commit order, and is deterministic for a seed', async () => {
    const a = await seededThenLoaded(42, 1);
    expect(a.result.planned).toBe(600);
    expect(a.result.committed).toBe(600);
    expect(a.result.transactions).toBe(600);
    expect(Object.values(a.result.byKind).reduce((s, n) => s + n, 0)).toBe(600);
    // Paced, not bursty: the schedule puts the last of 600 changes at 599/200 s, so the run cannot end sooner.
    expect(a.result.elapsedS).toBeGreaterThanOrEqual(599 / 200 - 0.005);
    expect(a.log.map((l) => l.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(new Set(a.log.map((l) => l.op))).toEqual(new Set(['insert', 'update', 'delete', 'pk']));
    expect(a.stamped).toBeGreaterThan(0);

    // The same seed on identical starting data, in transactions of 4: the same final tables.
    const b = await seededThenLoaded(42, 4);
    expect(b.result.transactions).toBe(150);
    expect(b.checksums).toEqual(a.checksums);
    expect(b.log.map(({ op, table, key }) => ({ op, table, key }))).toEqual(
      a.log.map(({ op, table, key }) => ({ op, table, key })),
    );

    const c = await seededThenLoaded(43, 1);
    expect(c.checksums.sales_data).not.toEqual(a.checksums.sales_data);
  });
});
