import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/config/load.js';
import { createKafka, createProducer } from '../../core/kafka/client.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { dataDirFor } from '../../seeds/source.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { commitUpTo } from '../support/commit-up-to.js';
import { testConfig, uniqueName } from '../support/context.js';
import { sourceChecksums, stagingChecksums, stagingPool } from '../support/mirror-checksum.js';
import { newStar } from '../support/star.js';
import { STAR_MIX, seedStarSources } from '../support/star-scenario.js';

// `starling replay` against a running pipeline process: refused while the group has members (named),
// done with --pause through the control topic during a live workload, never across deleted history.
const base = testConfig();
const cap = newCapture(base, 'it_replay');
const staging = stagingPool(base);
const kafka = createKafka({ brokers: base.kafka.brokers });
const children = new Set<ChildProcess>();
const extraTopics: string[] = [];
const extraGroups: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const f of cleanups) await f().catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: extraTopics }).catch(() => undefined);
  await admin.deleteGroups(extraGroups).catch(() => undefined);
  await admin.disconnect();
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  await cap.drop();
});

function runPipeline(): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'], {
    env: { ...process.env, ...cap.env, STARLING_PIPELINE: 'staging', STARLING_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(proc);
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      children.delete(proc);
      resolve(code);
    }),
  );
  return { proc, exited };
}

describe('starling replay', () => {
  it('refuses while the group has members and names them; with --pause it resets during a live workload and staging ends equal to the source', async () => {
    await seedSoftcart({ config: base, database: cap.db, dataDir: dataDirFor(undefined) });
    await cap.start();
    const pipeline = runPipeline();
    const expectedBefore = await sourceChecksums(base, cap.db);
    await expect
      .poll(() => stagingChecksums(staging, cap.db).catch(() => ({})), { timeout: 120_000, interval: 1000 })
      .toEqual(expectedBefore);

    const refused = await starling(['replay', '--group', cap.group, '--to', 'earliest'], cap.env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`"${cap.group}" has 1 active member: starling-${cap.group}@`));
    expect(refused.stderr).toMatch(/--pause/);

    const workload = runWorkload({
      config: base,
      database: cap.db,
      rate: 200,
      durationS: 10,
      seed: 7,
      txnSize: 2,
    });
    await new Promise((r) => setTimeout(r, 2000));
    const replayed = await starling(['replay', '--group', cap.group, '--to', 'earliest', '--pause'], cap.env);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/replayed group .* to earliest: \d+ records to consume again/);
    expect(replayed.stdout).toMatch(/paused and resumed: \d+@/);
    expect(replayed.stdout).toMatch(/caught up in/);
    expect(replayed.stdout).toMatch(new RegExp(`${cap.topic('sales_data')}\\[0\\]: \\d+ -> 0`));
    expect(replayed.stderr).toMatch(/\] 100%/);
    await workload;

    const expected = await sourceChecksums(base, cap.db);
    await expect
      .poll(() => stagingChecksums(staging, cap.db), { timeout: 120_000, interval: 1000 })
      .toEqual(expected);
    pipeline.proc.kill('SIGTERM');
    expect(await pipeline.exited).toBe(0);
  });

  it('replays the warehouse group to earliest on a populated warehouse during a live workload; reconcile is clean afterwards', async () => {
    const wcap = newCapture(base, 'it_replay_wh');
    const star = newStar(wcap, { stages: 'staging,conform,warehouse' });
    const env = { ...star.env, STARLING_SOURCE_DATABASES: wcap.db };
    cleanups.push(async () => {
      await star.drop();
      await staging.query(`DROP SCHEMA IF EXISTS "${wcap.db}" CASCADE`).catch(() => undefined);
      await wcap.drop([star.conformGroup, star.warehouseGroup]);
    });
    const { docs } = await seedStarSources(base, wcap, star, dataDirFor(undefined));
    await wcap.start();
    const proc = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'], {
      env: { ...process.env, ...env, STARLING_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(proc);
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const clean = async () => {
      const r = await starling(['reconcile'], env);
      if (process.env.IT_LOG === '1') console.info(r.stdout.slice(-600));
      return r.code;
    };
    await expect.poll(clean, { timeout: 180_000, interval: 3000 }).toBe(0);

    const workload = runWorkload({
      config: base,
      database: wcap.db,
      rate: 150,
      durationS: 12,
      seed: 11,
      txnSize: 2,
      mix: STAR_MIX,
      catalog: { standin: { topicPrefix: wcap.prefix } },
      catalogDocs: docs as never,
    });
    await new Promise((r) => setTimeout(r, 3000));
    const replayed = await starling(
      ['replay', '--group', star.warehouseGroup, '--to', 'earliest', '--pause'],
      env,
    );
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/paused and resumed: \d+@/);
    await workload;
    await expect.poll(clean, { timeout: 180_000, interval: 3000 }).toBe(0);
    const report = await starling(['reconcile'], env);
    expect(report.stdout).toMatch(/Clean: \d+ comparisons, no differences/);
    expect(report.stdout).toContain(`warehouse ${wcap.db}.FactSales`);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 600_000);

  it('refuses to replay across history the topic no longer holds, by offset and by time', async () => {
    const topic = uniqueName('it-replay-history');
    const group = uniqueName('it-replay-group');
    extraTopics.push(topic);
    extraGroups.push(group);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
      const producer = createProducer(kafka);
      await producer.connect();
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, timestamp: String(Date.now()) })),
      });
      await producer.disconnect();
      // Retention deleted the first five records. (The admin learns the new topic's leader first.)
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin
        .deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] })
        .catch((e: { partitions?: unknown }) => {
          throw new Error(`deleteTopicRecords: ${JSON.stringify(e.partitions)}`);
        });
      await commitUpTo(kafka, topic, group, { 0: 8 });
    } finally {
      await admin.disconnect();
    }
    const byOffset = await starling(['replay', '--group', group, '--to', '2'], cap.env);
    expect(byOffset.code).toBe(2);
    expect(byOffset.stderr).toContain(
      `${topic}[0]: offset 2 is below the first offset the topic still holds (5)`,
    );
    const byTime = await starling(['replay', '--group', group, '--to', '2020-01-01T00:00:00Z'], cap.env);
    expect(byTime.code).toBe(2);
    expect(byTime.stderr).toMatch(
      /the oldest record it still holds is from .*, after 2020-01-01T00:00:00.000Z/,
    );
    // Within what the topic holds, the reset is done (no members, no --pause needed).
    const ok = await starling(['replay', '--group', group, '--to', '6', '--no-wait'], cap.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`${topic}[0]: 8 -> 6`);
    const bad = await starling(['replay', '--to', 'yesterday'], cap.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--group is required; --to "yesterday" is not earliest/);
  });
});
