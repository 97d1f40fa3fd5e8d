import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import type { LagSample } from '../../ops/lag/lag.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import { stagingPool } from '../support/mirror-checksum.js';

// `starling lag` on a real pipeline: the staging sink stopped, N source changes committed, a pause; the lag
// is N messages and at least the pause in seconds, thresholds exit 1; the sink restarted, lag returns to 0/OK.
const base = testConfig();
const cap = newCapture(base, 'it_lagpipe');
const staging = stagingPool(base);
const N = 40;
const PAUSE_S = 4;

afterAll(async () => {
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  await cap.drop();
});

const sink = () =>
  createStagingSink(cap.config, createLogger('silent'), (e) => {
    throw e;
  });

async function lagOf(args: string[] = []): Promise<{ code: number; sample: LagSample }> {
  const r = await starling(['lag', '--group', cap.group, '--json', '--window', '0', ...args], cap.env);
  return { code: r.code, sample: JSON.parse(r.stdout) as LagSample };
}

describe('starling lag on a stopped and restarted sink', () => {
  it('reports the changes committed while the sink was down, in messages and seconds, and returns to 0/OK', async () => {
    const conn = await mysqlConnection(base);
    await conn.query(`CREATE DATABASE \`${cap.db}\``);
    await conn.query(`CREATE TABLE \`${cap.db}\`.t (id INT PRIMARY KEY, v VARCHAR(20))`);
    await conn.query(`INSERT INTO \`${cap.db}\`.t VALUES (1, 'a'), (2, 'b')`);
    await cap.start();
    let running = sink();
    await running.runner.start();
    const topic = cap.topic('t');
    const caughtUp = async () => {
      const { sample } = await lagOf();
      const rows = sample.rows.filter((r) => r.topic === topic);
      return rows.length > 0 && rows.every((r) => r.lag === 0 && r.status === 'OK');
    };
    await expect.poll(caughtUp, { timeout: 120_000, interval: 1000 }).toBe(true);

    await running.stop();
    for (let i = 0; i < N; i++) await conn.query(`INSERT INTO \`${cap.db}\`.t VALUES (?, 'x')`, [100 + i]);
    const committedAt = Date.now();
    // Debezium hands the changes to Kafka within its poll interval; then the pause.
    await expect
      .poll(async () => (await lagOf()).sample.rows.find((r) => r.topic === topic)?.lag, { timeout: 60_000 })
      .toBe(N);
    await new Promise((r) => setTimeout(r, PAUSE_S * 1000));
    const { sample } = await lagOf();
    const row = sample.rows.find((r) => r.topic === topic)!;
    expect(row.lag).toBe(N);
    expect(row.lagSeconds).toBeGreaterThanOrEqual(PAUSE_S);
    expect(row.lagSeconds).toBeLessThanOrEqual((Date.now() - committedAt) / 1000 + 2);
    expect(row.status).toBe('LAGGING');
    expect((await lagOf(['--max-lag', String(N - 1)])).code).toBe(1);
    expect((await lagOf(['--max-lag', String(N)])).code).toBe(0);
    expect((await lagOf(['--max-lag-seconds', String(PAUSE_S - 1)])).code).toBe(1);

    running = sink();
    await running.runner.start();
    await expect.poll(caughtUp, { timeout: 120_000, interval: 1000 }).toBe(true);
    await running.stop();
    await conn.end();
  });
});
