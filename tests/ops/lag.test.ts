import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/config/load.js';
import { createKafka, createProducer } from '../../core/kafka/client.js';
import { type LagSample, measureLag, type PartitionLag } from '../../ops/lag/lag.js';
import { starling } from '../support/cli.js';
import { commitUpTo } from '../support/commit-up-to.js';
import { testConfig, uniqueName } from '../support/context.js';

// `starling lag` and its module against the real broker. The topic has 2 partitions, produced explicitly
// per partition with set timestamps, so every expectation is exact:
//   partition 0: 6 records, the group commits 3 -> lag 3, oldest unconsumed (offset 3) is 10 s old
//   partition 1: 4 records, the group commits 1 -> lag 3, oldest unconsumed (offset 1) is 60 s old
// The CLI runs from dist/: `npm run build` first.
const config = testConfig();
const kafka = createKafka({ brokers: config.kafka.brokers });
const admin = kafka.admin();
const topic = uniqueName('it-lag');
const group = uniqueName('it-lag-group');
const t0 = Date.now();

const row = (s: LagSample, partition: number): PartitionLag => {
  const r = s.rows.find((x) => x.group === group && x.topic === topic && x.partition === partition);
  if (r === undefined) throw new Error(`no row for ${group} ${topic}[${partition}]`);
  return r;
};

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const at = (ageS: number) => String(t0 - ageS * 1000);
  await producer.send({
    topic,
    acks: -1,
    messages: [
      ...[40, 30, 20, 10, 9, 8].map((age, i) => ({ partition: 0, timestamp: at(age), value: `p0-${i}` })),
      ...[90, 60, 50, 40].map((age, i) => ({ partition: 1, timestamp: at(age), value: `p1-${i}` })),
    ],
  });
  await producer.disconnect();
  await commitUpTo(kafka, topic, group, { 0: 3, 1: 1 });
});

afterAll(async () => {
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('consumer lag', () => {
  let first: LagSample;

  it('reports committed, end and lag exactly, and lag seconds from the oldest unconsumed record', async () => {
    first = await measureLag(kafka, { groups: [group] });
    expect(first.groups).toEqual([{ group, state: 'Empty', members: 0 }]);
    const p0 = row(first, 0);
    const p1 = row(first, 1);
    expect(p0).toMatchObject({ committed: 3, start: 0, end: 6, lag: 3, oldestUnconsumedMs: t0 - 10_000 });
    expect(p1).toMatchObject({ committed: 1, start: 0, end: 4, lag: 3, oldestUnconsumedMs: t0 - 60_000 });
    expect(p1.lagSeconds).toBeGreaterThanOrEqual(60);
    expect(p0.lagSeconds).toBeGreaterThanOrEqual(10);
    // Read, not interpolated: the same lag in messages, 50 s apart in age.
    expect(p1.lagSeconds! - p0.lagSeconds!).toBeCloseTo(50, 3);
    // One sample cannot tell stalled from slow.
    expect([p0.status, p1.status]).toEqual(['LAGGING', 'LAGGING']);
  });

  it("finds the group among every group on the cluster, and never reports the reader's throwaway groups", async () => {
    const all = await measureLag(kafka);
    expect(row(all, 1).lag).toBe(3);
    expect(all.rows.some((r) => r.group.startsWith('starling-lag-probe-'))).toBe(false);
  });

  it('is STALLED with lag and no commit over a window', async () => {
    await new Promise((r) => setTimeout(r, 2000));
    const second = await measureLag(kafka, { groups: [group], previous: first });
    expect([row(second, 0).status, row(second, 1).status]).toEqual(['STALLED', 'STALLED']);
  });

  it('the CLI prints JSON and exits 1 above --max-lag, 0 below it', async () => {
    const over = await starling(['lag', '--group', group, '--json', '--window', '0', '--max-lag', '2']);
    expect(over.code, over.stderr).toBe(1);
    expect(over.stderr).toContain(`${group} ${topic}[0]: lag 3 messages > --max-lag 2`);
    const parsed = JSON.parse(over.stdout) as { rows: PartitionLag[]; breaches: string[] };
    expect(parsed.rows.map((r) => [r.partition, r.committed, r.end, r.lag])).toEqual([
      [0, 3, 6, 3],
      [1, 1, 4, 3],
    ]);
    expect(parsed.breaches).toHaveLength(2);

    const under = await starling(['lag', '--group', group, '--json', '--window', '0', '--max-lag', '5']);
    expect(under.code, under.stderr).toBe(0);
    expect(JSON.parse(under.stdout).breaches).toEqual([]);

    const table = await starling(['lag', '--group', group, '--window', '0', '--max-lag-seconds', '59']);
    expect(table.code, table.stderr).toBe(1);
    expect(table.stdout).toMatch(/^group\s+topic\s+partition\s+committed\s+end\s+lag\s+lag_s\s+status$/m);
    expect(table.stderr).toContain(`${topic}[1]: lag`);
  });

  it('the CLI names every bad option at once', async () => {
    const bad = await starling(['lag', '--max-lag', '-1', '--max-lag-seconds', 'x', '--window', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('3 problems');
    expect(bad.stderr).not.toContain('internal error');
  });

  it('reports lag 0 and OK once everything is consumed', async () => {
    await commitUpTo(kafka, topic, group, { 0: 6, 1: 4 });
    const caughtUp = await measureLag(kafka, { groups: [group], previous: first });
    for (const p of [0, 1]) expect(row(caughtUp, p)).toMatchObject({ lag: 0, lagSeconds: 0, status: 'OK' });
    expect(row(caughtUp, 0).committed).toBe(6);
    expect(row(caughtUp, 1).committed).toBe(4);
  });
  it('--watch samples again every --window seconds until Ctrl-C, then exits by the last sample', async () => {
    const lagging = (await measureLag(kafka, { groups: [group] })).rows.some((r) => r.lag > 0);
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'starling.mjs'),
        'lag',
        '--group',
        group,
        '--watch',
        '--window',
        '1',
        '--max-lag',
        '0',
      ],
      { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect
      .poll(() => (stdout.match(/^-- \d{4}-/gm) ?? []).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    // Nothing consumes in this group now, so its lag is what it was before the watch: over --max-lag 0 or not.
    expect(await exited).toBe(lagging ? 1 : 0);
    expect((stdout.match(new RegExp(`${group}\\s+${topic}\\s+0`, 'g')) ?? []).length).toBeGreaterThanOrEqual(
      3,
    );
  });
});
