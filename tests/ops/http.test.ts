import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectApi } from '../../connectors/connect-api.js';
import { createKafka, createProducer } from '../../core/kafka/client.js';
import { checkHealth, type HealthReport } from '../../ops/http/health.js';
import { createMetricsSource } from '../../ops/http/metrics-source.js';
import { type HttpServerHandle, startHttpServer } from '../../ops/http/server.js';
import { measureLag, type PartitionLag } from '../../ops/lag/lag.js';
import { starling } from '../support/cli.js';
import { commitUpTo } from '../support/commit-up-to.js';
import { testConfig, uniqueName } from '../support/context.js';

// The operations HTTP server against the real stack. The group this test creates lags by exactly 3 on
// partition 0 (5 records, 2 committed) and 1 on partition 1 (3 records, 2 committed); /metrics must say so,
// as measureLag and `starling lag --json` do. The CLI runs from dist/: `npm run build` first.
const config = testConfig();
const kafka = createKafka({ brokers: config.kafka.brokers });
const admin = kafka.admin();
const topic = uniqueName('it-http');
const group = uniqueName('it-http-group');
const upTo: Record<number, number> = { 0: 2, 1: 2 };
let server: HttpServerHandle;

interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the Prometheus text format: `name{l="v",...} value` lines; comments skipped. */
function parseProm(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (m === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;
    let pos = 0;
    while (pos < body.length) {
      re.lastIndex = pos;
      const l = re.exec(body);
      if (l === null) throw new Error(`bad labels: ${body}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      pos = re.lastIndex;
    }
    const raw = m[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

const stats = { batches: 4, records: 17, deadLetters: 1, lastCommitAt: Date.now() };

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const t0 = Date.now();
  await producer.send({
    topic,
    acks: -1,
    messages: [
      ...[50, 40, 30, 20, 10].map((age, i) => ({
        partition: 0,
        timestamp: String(t0 - age * 1000),
        value: `p0-${i}`,
      })),
      ...[70, 60, 45].map((age, i) => ({
        partition: 1,
        timestamp: String(t0 - age * 1000),
        value: `p1-${i}`,
      })),
    ],
  });
  await producer.disconnect();
  await commitUpTo(kafka, topic, group, upTo);
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    metrics: createMetricsSource({ kafka, groups: [group], sinks: () => [{ group, stats }] }),
    health: () => checkHealth(config),
  });
});

afterAll(async () => {
  await server?.close();
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('operations HTTP server', () => {
  it('binds to the given host and an ephemeral port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('GET /metrics: lag per partition matches measureLag and `starling lag --json`', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseProm(await res.text());
    const lagOf = (name: string, partition: number) =>
      samples.find(
        (s) =>
          s.name === name &&
          s.labels.group === group &&
          s.labels.topic === topic &&
          s.labels.partition === String(partition),
      )?.value;

    const direct = await measureLag(kafka, { groups: [group] });
    const cli = await starling(['lag', '--json', '--group', group, '--window', '0']);
    expect(cli.code, cli.stderr).toBe(0);
    const cliRows = (JSON.parse(cli.stdout) as { rows: PartitionLag[] }).rows;
    for (const [partition, expected] of [
      [0, 3],
      [1, 1],
    ] as const) {
      const fromMetrics = lagOf('kafka_consumergroup_group_lag', partition);
      expect(fromMetrics).toBe(expected);
      expect(fromMetrics).toBe(direct.rows.find((r) => r.topic === topic && r.partition === partition)?.lag);
      expect(fromMetrics).toBe(cliRows.find((r) => r.topic === topic && r.partition === partition)?.lag);
      // lag seconds are read from the oldest unconsumed record: at least its age when produced
      expect(lagOf('kafka_consumergroup_group_lag_seconds', partition)).toBeGreaterThanOrEqual(
        partition === 0 ? 30 : 45,
      );
    }
    const sinkValue = (name: string) =>
      samples.find((s) => s.name === name && s.labels.group === group)?.value;
    expect(sinkValue('starling_sink_records_total')).toBe(17);
    expect(sinkValue('starling_sink_batches_total')).toBe(4);
    expect(sinkValue('starling_sink_dead_letters_total')).toBe(1);
    expect(sinkValue('starling_sink_seconds_since_last_commit')).toBeGreaterThanOrEqual(0);
  });

  it('two scrapes within the cache interval share one lag sample', async () => {
    // Lag seconds are measured against the clock: a fresh sample would show a different age.
    const lagSeconds = async () =>
      (await (await fetch(`${server.url}/metrics`)).text())
        .split('\n')
        .filter((l) => l.startsWith('kafka_consumergroup_group_lag_seconds{'))
        .join('\n');
    const first = await lagSeconds();
    expect(first).not.toBe('');
    expect(await lagSeconds()).toBe(first);
  });

  it('GET /health: every component, 200 when all are up', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as HealthReport;
    const names = body.components.map((c) => c.name);
    for (const n of ['registry', 'postgres-staging', 'mariadb', 'kafka']) expect(names).toContain(n);
    // Every connector Kafka Connect has (none in a fresh CI run at this point) is a component.
    for (const c of await new ConnectApi(config.connect.url).list())
      expect(names).toContain(`connector:${c}`);
    const notUp = body.components.filter((c) => !['UP', 'RUNNING'].includes(c.state));
    expect(notUp).toEqual([]);
    expect(body.status).toBe('ok');
    expect(res.status).toBe(200);
  });

  it('/health shows each consumer group of the process with its state: one nobody consumes in is degraded', async () => {
    // The test's group has committed offsets and no member: Empty, which for a running stage means stopped.
    const report = await checkHealth(config, { groups: [group] });
    expect(report.components.find((c) => c.name === `group:${group}`)).toMatchObject({
      state: 'Empty',
      detail: '0 members',
    });
    expect(report.status).toBe('degraded');
  });

  it('/health is 503 and names the component when one is down, without its secrets', async () => {
    const broken = {
      ...config,
      postgres: { ...config.postgres, stagingUrl: 'postgres://starling:s3cr3t-pw@127.0.0.1:1/nowhere' },
      secrets: [...config.secrets, 's3cr3t-pw'],
    };
    const down = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      metrics: async () => '',
      health: () => checkHealth(broken, { timeoutMs: 3000 }),
    });
    try {
      const res = await fetch(`${down.url}/health`);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toContain('s3cr3t-pw');
      const body = JSON.parse(text) as HealthReport;
      expect(body.status).toBe('degraded');
      expect(body.components.find((c) => c.name === 'postgres-staging')).toMatchObject({ state: 'DOWN' });
      expect(body.components.find((c) => c.name === 'kafka')).toMatchObject({ state: 'UP' });
    } finally {
      await down.close();
    }
  });

  it('unknown path 404, POST 405', async () => {
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    await missing.text();
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.text();
  });
});
