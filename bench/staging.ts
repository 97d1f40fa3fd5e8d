/**
 * The staging sink benchmark (`npm run bench`, or `npx tsx bench/staging.ts [--changes N] [--rate R]
 * [--duration S] [--seed K]`), against the running local stack, in a private capture (own database,
 * connector, topic prefix, groups) that is removed at the end, also on failure.
 *
 * 1. Throughput: a backlog of N workload changes is captured by Debezium while no sink runs; then a bare
 *    kafkajs consumer reads it (the RAW baseline: no decoding, no database), then the staging sink drains it
 *    from the beginning with a fresh group until its committed offsets reach the end offsets.
 * 2. Freshness: with the sink running, the workload runs at R changes/s for S seconds; per staged row, the
 *    delay from the source's commit_ts (NOW(6), microseconds, UTC) to the sink's `_starling_loaded_at`.
 *
 * It reports, it does not judge: nothing here is an assertion on time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, REPO_ROOT } from '../core/config/load.js';
import { type Admin, createConsumer, createKafka } from '../core/kafka/client.js';
import { createLogger } from '../core/log/logger.js';
import { connectMysql } from '../seeds/db.js';
import { seedSoftcart } from '../seeds/softcart-seed.js';
import { dataDirFor } from '../seeds/source.js';
import { runWorkload, type WorkloadResult } from '../seeds/workload/run.js';
import { createStagingSink, isMirroredTopic } from '../sinks/staging/staging-sink.js';
import { type Capture, newCapture } from '../tests/support/capture.js';
import { type CpuByService, cpuByService, cpuDelta } from './proc-cpu.js';

const USAGE = `usage: npx tsx bench/staging.ts [--changes N] [--rate R] [--duration S] [--seed K]
  --changes N   backlog size for the throughput phase (default 20000)
  --rate R      workload changes/s during the freshness phase (default 500)
  --duration S  seconds of the freshness phase (default 20)
  --txn-size T  changes per transaction during the freshness phase (default 1, so commit_ts is within a round trip of the commit)
  --seed K      workload seed (default 42)`;

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} "${text}" is not a positive number\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

const { values: argv } = parseArgs({
  options: {
    changes: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '20' },
    'txn-size': { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    help: { type: 'boolean', default: false },
  },
});
if (argv.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const opts = {
  changes: Math.round(positive('changes', argv.changes)),
  rate: positive('rate', argv.rate),
  durationS: positive('duration', argv.duration),
  txnSize: Math.round(positive('txn-size', argv['txn-size'])),
  seed: Math.round(positive('seed', argv.seed)),
};

/** Messages in each partition of the given topics: partition → [low, high). */
type Offsets = Map<string, { low: bigint; high: bigint }>;

async function endOffsets(admin: Admin, topics: string[]): Promise<Offsets> {
  const out: Offsets = new Map();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic))
      out.set(`${topic}:${p.partition}`, { low: BigInt(p.low), high: BigInt(p.high) });
  }
  return out;
}

function countOf(offsets: Offsets): number {
  let n = 0n;
  for (const { low, high } of offsets.values()) n += high - low;
  return Number(n);
}

async function committed(admin: Admin, group: string, topics: string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const t of await admin.fetchOffsets({ groupId: group, topics }))
    for (const p of t.partitions) out.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
  return out;
}

/** Every partition's committed offset has reached its end offset (-1 = nothing committed yet). */
function caughtUp(ends: Offsets, done: Map<string, bigint>): boolean {
  for (const [k, { low, high }] of ends) {
    if (high === low) continue;
    if ((done.get(k) ?? -1n) < high) return false;
  }
  return true;
}

/** Peak RSS, sampled every 100 ms. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

interface PhaseMeasure {
  events: number;
  wallS: number;
  eventsPerS: number;
  /** Start until the first records were consumed (raw) or committed (staging): connect, join, fetch. */
  firstProgressS: number;
  cpuS: number;
  peakRssMb: number;
  services: CpuByService;
}

/** Runs a phase with CPU, RSS and per-service CPU accounting around it. */
async function measured(
  events: number,
  run: (markFirst: () => void) => Promise<void>,
): Promise<PhaseMeasure> {
  const svc0 = cpuByService();
  const cpu0 = process.cpuUsage();
  const rss = rssSampler();
  const t0 = performance.now();
  let first = Number.NaN;
  await run(() => {
    if (Number.isNaN(first)) first = performance.now();
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peak = rss.stop();
  return {
    events,
    wallS: round(wallS, 3),
    eventsPerS: Math.round(events / wallS),
    firstProgressS: round((first - t0) / 1000, 3),
    cpuS: round((cpu.user + cpu.system) / 1e6, 2),
    peakRssMb: Math.round(peak / 2 ** 20),
    services: cpuDelta(svc0, cpuByService()),
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const base = loadConfig();
  const log = createLogger('warn');
  const cap: Capture = newCapture(base, 'bench_staging');
  const rawGroup = `bench-raw-${cap.prefix}`;
  const staging = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });
  const kafka = createKafka({ brokers: base.kafka.brokers, clientId: 'starling-bench' });
  const admin = kafka.admin();
  let sink: ReturnType<typeof createStagingSink> | undefined;
  let fatal: Error | undefined;
  const check = () => {
    if (fatal) throw new Error(`the staging sink failed: ${fatal.message}`);
  };

  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      step('cleaning up: sink, staging schema, connector, database, topics, groups, registry subjects');
      await sink?.stop().catch((e) => step(`sink stop: ${(e as Error).message}`));
      await staging
        .query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`)
        .catch((e) => step(`staging schema: ${(e as Error).message}`));
      for (const f of await cap.drop([rawGroup])) step(`cleanup failed: ${f}`);
      await admin.disconnect().catch(() => undefined);
      await staging.end().catch(() => undefined);
    })();
    return cleaning;
  };
  process.once('SIGINT', () => {
    step('interrupted');
    void cleanup().finally(() => process.exit(130));
  });

  const topicsNow = async () =>
    (await admin.listTopics()).filter((t) => isMirroredTopic(cap.config, t)).sort();

  /** Waits until Debezium has written `expected` records to the raw topics (or they stop growing). */
  async function waitForCapture(expected: number, what: string) {
    const t0 = performance.now();
    let last = -1;
    let stableSince = performance.now();
    for (;;) {
      const n = countOf(await endOffsets(admin, await topicsNow()));
      if (n >= expected) return { events: n, waitS: (performance.now() - t0) / 1000, complete: true };
      if (n !== last) {
        last = n;
        stableSince = performance.now();
      } else if (performance.now() - stableSince > 15_000) {
        step(`${what}: raw topics stopped at ${n} records, expected ${expected}; going on`);
        return { events: n, waitS: (performance.now() - t0) / 1000, complete: false };
      }
      if (performance.now() - t0 > 300_000)
        throw new Error(`${what}: Debezium wrote ${n} of ${expected} records in 300 s`);
      await sleep(250);
    }
  }

  /** Waits until the staging group's committed offsets reach the end offsets. */
  async function waitForSink(ends: Offsets, topics: string[], onProgress?: () => void) {
    const t0 = performance.now();
    for (;;) {
      check();
      if (sink!.runner.stats.records > 0) onProgress?.();
      if (caughtUp(ends, await committed(admin, cap.group, topics))) return;
      if (performance.now() - t0 > 600_000) throw new Error('the staging sink did not catch up in 600 s');
      await sleep(100);
    }
  }

  const started = new Date();
  try {
    await admin.connect();
    step(`capture ${cap.db} (prefix ${cap.prefix}); seeding SoftCart`);
    const seeded = await seedSoftcart({ config: base, database: cap.db, dataDir: dataDirFor(undefined) });
    const snapshotRows = seeded.tables.reduce((n, t) => n + t.rows, 0);
    await cap.start();
    const snap = await waitForCapture(snapshotRows, 'snapshot');
    step(`snapshot: ${snap.events} records in ${snap.waitS.toFixed(1)} s`);

    // ---- 1. Throughput -------------------------------------------------------------------------------
    step(`backlog: ${opts.changes} changes, transactions of 10, unpaced; no sink running`);
    const backlogRate = 1_000_000;
    const t0 = performance.now();
    const backlog = await runWorkload({
      config: base,
      database: cap.db,
      rate: backlogRate,
      durationS: opts.changes / backlogRate,
      seed: opts.seed,
      txnSize: 10,
    });
    const k = backlog.byKind;
    // Debezium records per change: a delete is delete + tombstone; a key change is delete + tombstone + create.
    const expected = snap.events + k.insert + k.update + k.country + 2 * k.delete + 3 * k.pk;
    const captured = await waitForCapture(expected, 'backlog');
    const captureS = (performance.now() - t0) / 1000;
    step(
      `backlog: committed in ${backlog.elapsedS.toFixed(1)} s (${Math.round(backlog.achievedRate)}/s); Debezium had all ${captured.events} records ${(captureS - backlog.elapsedS).toFixed(1)} s later`,
    );
    const topics = await topicsNow();
    const ends = await endOffsets(admin, topics);
    const total = countOf(ends);

    step(`raw baseline: bare kafkajs consumer of ${total} records`);
    let rawBytes = 0;
    const raw = await measured(total, async (markFirst) => {
      const consumer = createConsumer(kafka, {
        groupId: rawGroup,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        maxBytesPerPartition: 4 * 1024 * 1024, // as the sink's consumer
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: true });
        let n = 0;
        let bytes = 0;
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              autoCommit: false,
              partitionsConsumedConcurrently: 1,
              eachBatch: async ({ batch }) => {
                markFirst();
                n += batch.messages.length;
                for (const m of batch.messages) bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
                if (n >= total) resolve();
              },
            })
            .catch(reject);
        });
        rawBytes = bytes;
      } finally {
        await consumer.disconnect();
      }
    });
    step(`raw: ${raw.eventsPerS} events/s`);

    step('staging sink: fresh group, from the beginning, until its committed offsets reach the end offsets');
    sink = createStagingSink(cap.config, log, (e) => {
      fatal = e;
    });
    const live = sink;
    const stagingM = await measured(total, async (markFirst) => {
      await live.runner.start();
      await waitForSink(ends, topics, markFirst);
    });
    const batches = sink.runner.stats.batches;
    step(`staging: ${stagingM.eventsPerS} events/s in ${batches} batches`);

    const conn = await connectMysql(base, cap.db);
    let sourceRows: number;
    try {
      const [rows] = await conn.query('SELECT COUNT(*) AS n FROM sales_data');
      sourceRows = Number((rows as Array<{ n: string }>)[0]!.n);
    } finally {
      await conn.end();
    }
    const stagedRows = Number(
      (await staging.query(`SELECT count(*) AS n FROM "${cap.db}".sales_data`)).rows[0].n,
    );

    // ---- 2. Freshness --------------------------------------------------------------------------------
    step(`freshness: workload at ${opts.rate} changes/s for ${opts.durationS} s with the sink running`);
    const utcNow = async () => {
      const c = await connectMysql(base, cap.db);
      try {
        const [r] = await c.query("SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%d %H:%i:%s.%f') AS t");
        return (r as Array<{ t: string }>)[0]!.t;
      } finally {
        await c.end();
      }
    };
    const svc0 = cpuByService();
    const cpu0 = process.cpuUsage();
    const windowStart = await utcNow();
    const work: WorkloadResult = await runWorkload({
      config: base,
      database: cap.db,
      rate: opts.rate,
      durationS: opts.durationS,
      seed: opts.seed + 1,
      txnSize: opts.txnSize,
    });
    const windowEnd = await utcNow();
    const tDrain = performance.now();
    const freshTopics = await topicsNow();
    await waitForSink(await endOffsets(admin, freshTopics), freshTopics);
    const drainS = (performance.now() - tDrain) / 1000;
    const freshCpu = process.cpuUsage(cpu0);
    const freshServices = cpuDelta(svc0, cpuByService());
    const { rows: fr } = await staging.query(
      `WITH d AS (
         SELECT extract(epoch FROM _starling_loaded_at - (commit_ts AT TIME ZONE 'UTC')) * 1000 AS ms
           FROM "${cap.db}".sales_data
          WHERE commit_ts >= $1::timestamp AND commit_ts <= $2::timestamp)
       SELECT count(*)::int AS n, min(ms) AS min,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
              max(ms) AS max
         FROM d`,
      [windowStart, windowEnd],
    );
    const f = fr[0] as Record<string, number | string | null>;
    const ms = (key: string) => (f[key] === null ? null : round(Number(f[key]), 1));
    const freshness = {
      rows: Number(f.n),
      minMs: ms('min'),
      p50Ms: ms('p50'),
      p95Ms: ms('p95'),
      p99Ms: ms('p99'),
      maxMs: ms('max'),
      window: { start: windowStart, end: windowEnd },
      workload: {
        planned: work.planned,
        committed: work.committed,
        targetRate: opts.rate,
        txnSize: opts.txnSize,
        achievedRate: Math.round(work.achievedRate),
        maxLateMs: Math.round(work.maxLateMs),
      },
      drainAfterWorkloadS: round(drainS, 2),
      cpuS: round((freshCpu.user + freshCpu.system) / 1e6, 2),
      services: freshServices,
    };

    // ---- Report -------------------------------------------------------------------------------------
    const result = {
      bench: 'staging',
      startedAt: started.toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadavg: loadavg().map((l) => round(l, 2)) },
      options: opts,
      capture: { db: cap.db, prefix: cap.prefix, topics },
      throughput: {
        snapshotRecords: snap.events,
        backlog: {
          changes: backlog.committed,
          byKind: backlog.byKind,
          workloadS: round(backlog.elapsedS, 2),
          workloadRate: Math.round(backlog.achievedRate),
          debeziumDoneS: round(captureS, 2),
          expectedRecords: expected,
          capturedRecords: captured.events,
        },
        records: total,
        rawBytes,
        raw,
        staging: { ...stagingM, batches, deadLetters: sink.runner.stats.deadLetters },
        ratio: round(stagingM.eventsPerS / raw.eventsPerS, 3),
        verify: {
          table: 'sales_data',
          source: sourceRows,
          staging: stagedRows,
          equal: sourceRows === stagedRows,
        },
      },
      freshness,
    };
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `staging-${started.toISOString().replaceAll(':', '-').replace(/\..*/, '')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    printTable(result.throughput, freshness, file);
  } finally {
    await cleanup();
  }
}

function services(s: CpuByService): string {
  return Object.entries(s)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}

function printTable(
  t: {
    snapshotRecords: number;
    backlog: { changes: number; workloadS: number; workloadRate: number; debeziumDoneS: number };
    records: number;
    raw: PhaseMeasure;
    staging: PhaseMeasure & { batches: number; deadLetters: number };
    ratio: number;
    verify: { source: number; staging: number; equal: boolean };
  },
  f: {
    rows: number;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
    minMs: number | null;
    workload: {
      targetRate: number;
      txnSize: number;
      achievedRate: number;
      committed: number;
      maxLateMs: number;
    };
    drainAfterWorkloadS: number;
    cpuS: number;
    services: CpuByService;
  },
  file: string,
): void {
  const row = (cells: Array<string | number>, widths: number[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  const w = [22, 10, 9, 10, 8, 10, 9];
  say('');
  say(
    `Staging throughput: ${t.records} raw records (${t.snapshotRecords} snapshot + ${t.backlog.changes} changes, transactions of 10; backlog written at ${t.backlog.workloadRate}/s, all in Kafka after ${t.backlog.debeziumDoneS} s)`,
  );
  say(row(['consumer', 'events', 'wall s', 'events/s', 'start s', 'CPU s', 'peak RSS'], w));
  for (const [name, m] of [
    ['raw kafkajs (baseline)', t.raw],
    ['staging sink', t.staging],
  ] as const)
    say(row([name, m.events, m.wallS, m.eventsPerS, m.firstProgressS, m.cpuS, `${m.peakRssMb} MB`], w));
  say(
    `ratio staging/raw: ${t.ratio}   (staging: ${t.staging.batches} batches, ${t.staging.deadLetters} dead letters)`,
  );
  say(
    `verify sales_data rows: source ${t.verify.source}, staging ${t.verify.staging} -> ${t.verify.equal ? 'equal' : 'DIFFERENT'}`,
  );
  say(`CPU s by service, raw phase:     ${services(t.raw.services)}`);
  say(`CPU s by service, staging phase: ${services(t.staging.services)}`);
  say('');
  say(
    `Freshness: workload ${f.workload.committed} changes (transactions of ${f.workload.txnSize}) at ${f.workload.targetRate}/s target, ${f.workload.achievedRate}/s achieved (worst lateness ${f.workload.maxLateMs} ms); sink caught up ${f.drainAfterWorkloadS} s after the workload ended`,
  );
  const fw = [38, 7, 8, 8, 8, 8, 8];
  say(
    row(
      ['delay commit_ts -> _starling_loaded_at', 'rows', 'min ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      fw,
    ),
  );
  say(
    row(
      [
        'sales_data rows changed in the run',
        f.rows,
        f.minMs ?? '-',
        f.p50Ms ?? '-',
        f.p95Ms ?? '-',
        f.p99Ms ?? '-',
        f.maxMs ?? '-',
      ],
      fw,
    ),
  );
  say(`CPU s by service, freshness phase: ${services(f.services)} (bench process ${f.cpuS})`);
  say(
    'note: Debezium stamps MariaDB events with the binlog header time in whole seconds, so freshness is measured from commit_ts (NOW(6), microseconds, written in the same statement) instead; a row changed twice counts once, with its last change.',
  );
  say(`results: ${file}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
