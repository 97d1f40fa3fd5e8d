/**
 * The pipeline benchmark (`npm run bench`, or `npx tsx bench/pipeline.ts [--rates 1000,2000,5000]
 * [--duration S] [--pause S] [--seed K]`): the whole SoftCart pipeline — Debezium, Kafka, and the staging,
 * conform and warehouse stages each as its own `starling run` process — in a private capture (own database,
 * connector, topics, groups, schemas) that is removed at the end, also on failure.
 *
 * 1. Freshness: the workload commits to MariaDB at each rate for S seconds; per changed sale, the delay
 *    from its commit_ts (NOW(6), microseconds, UTC, written in the same statement) to the commit of the
 *    PostgreSQL transaction that wrote its row (pg_xact_commit_timestamp(xmin)), in staging and in
 *    FactSales. Lag of every group is sampled each second; a rate "keeps up" when the pipeline has caught
 *    up within 5 s of the workload's end.
 * 2. Backpressure: the workload runs while a session holds an exclusive lock on FactSales (the warehouse
 *    cannot write); peak memory of every process, and the catch-up time once the lock is released.
 * 3. Replay: from the earliest offsets into empty warehouses, (a) the whole star (conform + warehouse, new
 *    groups, new conformed topics) and (b) the warehouse sink alone from the live conformed topics;
 *    events/s, and the tables compared with the live run's, row by row, keys included.
 * Peak RSS and CPU of every process per phase. It reports, it does not judge: nothing here asserts time.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, REPO_ROOT } from '../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../core/kafka/client.js';
import { softcartModel } from '../schemas/softcart.js';
import { publishCatalogSnapshot } from '../seeds/catalog/standin.js';
import { seedSoftcart } from '../seeds/softcart-seed.js';
import { catalogDocuments, dataDirFor } from '../seeds/source.js';
import { runWorkload } from '../seeds/workload/run.js';
import { type Capture, newCapture } from '../tests/support/capture.js';
import { testHttpPort } from '../tests/support/ports.js';
import { newStar, type Star, snapshotTables } from '../tests/support/star.js';
import { cpuByService, cpuDelta } from './proc-cpu.js';
import { remaining } from './support/caught-up.js';
import { RssSampler, type StageProcess, startStage } from './support/processes.js';
import { type Percentiles, percentiles, round } from './support/stats.js';
import { printTable } from './support/table.js';

const USAGE = `usage: npx tsx bench/pipeline.ts [--rates LIST] [--duration S] [--pause S] [--seed K]
  --rates LIST   workload rates, changes/s, comma-separated (default 1000,2000,5000)
  --duration S   seconds of workload per rate (default 60)
  --pause S      seconds the warehouse is blocked during the backpressure phase (default 20; at most 25,
                 below the consumer session timeout)
  --pause-rate R workload rate while the warehouse is blocked (default 2000)
  --txn-size T   changes per transaction (default 5: commit_ts is a few statements before the commit;
                 1 costs the source a commit per change, and a 2-core machine then tops out lower)
  --connections N  MariaDB sessions committing at once (default 8; one session cannot commit 5,000/s)
  --seed K       workload seed (default 42)
  --phases LIST  which of freshness,backpressure,replay to run (default all three)
  --profile DIR  write a V8 CPU profile of every pipeline process into DIR (open in Chrome DevTools)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}
function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} "${text}" is not a positive number`);
  return n;
}

const { values: argv } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,2000,5000' },
    duration: { type: 'string', default: '60' },
    pause: { type: 'string', default: '20' },
    'pause-rate': { type: 'string', default: '2000' },
    'txn-size': { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    phases: { type: 'string', default: 'freshness,backpressure,replay' },
    profile: { type: 'string' },
    seed: { type: 'string', default: '42' },
    help: { type: 'boolean', default: false },
  },
});
if (argv.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const opts = {
  rates: argv.rates.split(',').map((r) => positive('rates', r.trim())),
  durationS: positive('duration', argv.duration),
  pauseS: positive('pause', argv.pause),
  pauseRate: positive('pause-rate', argv['pause-rate']),
  txnSize: Math.round(positive('txn-size', argv['txn-size'])),
  connections: Math.round(positive('connections', argv.connections)),
  phases: new Set(argv.phases.split(',').map((p) => p.trim())),
  profileDir: argv.profile,
  seed: Math.round(positive('seed', argv.seed)),
};
for (const p of opts.phases)
  if (!['freshness', 'backpressure', 'replay'].includes(p)) fail(`--phases: unknown phase "${p}"`);
if (opts.pauseS > 25) fail('--pause must be at most 25 s (the consumer session timeout is 30 s)');

/** The freshness workload: the sink benchmark's mix of sales changes (no customer moves, which re-point facts later). */
const MIX = { insert: 80, update: 15, delete: 5, pk: 0, country: 0, late: 0, category: 0 };
const KEEPS_UP_S = 5;

const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface RateResult {
  targetRate: number;
  achievedRate: number;
  committed: number;
  workloadMaxLateMs: number;
  staging: Percentiles;
  fact: Percentiles;
  maxLag: Record<string, number>;
  caughtUpAfterS: number;
  keepsUp: boolean;
  cpuS: Record<string, number>;
  /** CPU seconds of every stack service and the benchmark itself (workload generator) in the phase. */
  services: Record<string, number>;
}

async function main(): Promise<void> {
  const base = loadConfig();
  const cap: Capture = newCapture(base, 'bench_pipe', 'bench');
  // The report refresh at its production default (newStar's test setting refreshes more often).
  const refresh = { STARLING_REPORT_REFRESH_MS: '1000' };
  const live: Star = newStar(cap, { stages: 'conform,warehouse', env: refresh });
  const replay: Star = newStar(cap, { label: 'replay', conformedPrefix: 'replay', env: refresh });
  // The warehouse sink alone, from the live run's conformed topics.
  const sinkOnly: Star = newStar(cap, {
    label: 'sinkonly',
    env: { ...refresh, STARLING_CONFORMED_PREFIX: live.config.pipeline.conformedPrefix },
  });
  const kafka = createKafka(kafkaOptionsFrom(base, { clientId: 'starling-bench' }));
  const staging = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 2 });
  const warehouse = new pg.Pool({ connectionString: base.postgres.warehouseUrl, max: 3 });
  const logDir = join(tmpdir(), `starling-bench-${cap.prefix}`);
  mkdirSync(logDir, { recursive: true });
  const procs: StageProcess[] = [];
  const rss = new RssSampler(() => procs);
  const stage = (name: string, env: Record<string, string>, pipeline: string) => {
    const p = startStage(
      name,
      {
        ...env,
        STARLING_PIPELINE: pipeline,
        STARLING_HTTP_PORT: testHttpPort(),
        ...(pipeline === 'staging' ? {} : { STARLING_CONNECTOR_SUPERVISOR: 'off' }),
      },
      join(logDir, `${name}.log`),
      opts.profileDir
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${opts.profileDir}`,
            `--cpu-prof-name=${name.replaceAll(' ', '-')}.cpuprofile`,
          ]
        : [],
    );
    procs.push(p);
    void p.exited.then((code) => {
      if (procs.includes(p) && !stopping)
        died ??= new Error(`process ${name} exited with ${code} (log: ${join(logDir, `${name}.log`)})`);
    });
    return p;
  };
  let stopping = false;
  /** A pipeline process that exited on its own: the benchmark stops with it. */
  let died: Error | undefined;

  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      stopping = true;
      rss.stop();
      step('cleaning up: processes, warehouse schemas, staging schema, connector, database, topics, groups');
      await Promise.all(procs.map((p) => p.stop()));
      for (const s of [live, replay, sinkOnly])
        await s.drop().catch((e) => step(`drop ${s.schema}: ${(e as Error).message}`));
      await staging
        .query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`)
        .catch((e) => step(`staging schema: ${(e as Error).message}`));
      for (const f of await cap.drop([replay.conformGroup, replay.warehouseGroup, sinkOnly.warehouseGroup]))
        step(`cleanup failed: ${f}`);
      await admin.disconnect().catch(() => undefined);
      await staging.end().catch(() => undefined);
      await warehouse.end().catch(() => undefined);
    })();
    return cleaning;
  };
  process.once('SIGINT', () => {
    step('interrupted');
    void cleanup().finally(() => process.exit(130));
  });

  const admin = kafka.admin();
  /** What each group consumes: the raw topics (staging: all; conform: the model's), the conformed topics. */
  const rawOfModel = [cap.topic('sales_data'), cap.topic('customers'), `${cap.prefix}.catalog.electronics`];
  const topicsOf = async (group: string): Promise<string[]> => {
    const all = await admin.listTopics();
    if (group === cap.group) return all.filter((t) => cap.config.staging.topics.test(t));
    if (group.includes('-conform-')) return rawOfModel.filter((t) => all.includes(t));
    const star = [live, replay, sinkOnly].find((s) => s.warehouseGroup === group)!;
    return all.filter((t) => t.startsWith(`${star.config.pipeline.conformedPrefix}.`));
  };
  /** Records each group has still to commit. */
  const lagOf = async (groups: string[]) => {
    const byGroup: Record<string, number> = {};
    for (const g of groups) byGroup[g] = await remaining(admin, g, await topicsOf(g));
    return byGroup;
  };
  /** Every group has committed everything (twice in a row: the conformed topics fill while conform works). */
  const waitCaughtUp = async (groups: string[], what: string, timeoutMs = 600_000) => {
    const t0 = performance.now();
    let streak = 0;
    for (;;) {
      if (died) throw died;
      // A topic just created may have no leader yet: that is not caught up, ask again.
      const lag = await lagOf(groups).catch(() => ({}) as Record<string, number>);
      const done = groups.every((g) => lag[g] === 0);
      streak = done ? streak + 1 : 0;
      if (streak >= 2) return (performance.now() - t0) / 1000;
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`${what}: not caught up in ${timeoutMs / 1000} s (lag ${JSON.stringify(lag)})`);
      await sleep(200);
    }
  };
  const cpuNow = () => Object.fromEntries(procs.map((p) => [p.name, p.cpuS()]));
  const cpuSince = (before: Record<string, number>) =>
    Object.fromEntries(procs.map((p) => [p.name, round(p.cpuS() - (before[p.name] ?? 0), 1)]));
  const groups = [cap.group, live.conformGroup, live.warehouseGroup];

  const started = new Date();
  try {
    await admin.connect();
    const { rows: tct } = await staging.query('SHOW track_commit_timestamp');
    if (tct[0].track_commit_timestamp !== 'on')
      throw new Error(
        'PostgreSQL runs without track_commit_timestamp = on: the freshness clock reads each row’s commit time (the local stack sets it)',
      );

    step(`capture ${cap.db} (prefix ${cap.prefix}); seeding SoftCart and the catalog`);
    const dataDir = dataDirFor(undefined);
    const seeded = await seedSoftcart({ config: base, database: cap.db, dataDir });
    await publishCatalogSnapshot(catalogDocuments(dataDir) as never, {
      config: live.config,
      topicPrefix: cap.prefix,
    });
    await cap.start();
    rss.setPhase('snapshot');
    const t0 = performance.now();
    stage('staging', cap.env, 'staging');
    stage('conform', live.env, 'conform');
    stage('warehouse', live.env, 'warehouse');
    const snapshotRows = seeded.tables.reduce((n, t) => n + t.rows, 0);
    // The snapshot must be in Kafka before any workload (a change before it is seen only as its result).
    await waitForRecords(kafka, cap, snapshotRows);
    const snapS = await waitCaughtUp(groups, 'snapshot');
    step(
      `snapshot of ${snapshotRows} rows through the pipeline in ${((performance.now() - t0) / 1000).toFixed(1)} s (last ${snapS.toFixed(1)} s waiting for the groups)`,
    );

    // ---- 1. Freshness per rate -----------------------------------------------------------------------
    const rates: RateResult[] = [];
    for (const [i, rate] of (opts.phases.has('freshness') ? opts.rates : []).entries()) {
      rss.setPhase(`freshness ${rate}/s`);
      step(`freshness: ${rate} changes/s for ${opts.durationS} s`);
      const cpu0 = cpuNow();
      const svc0 = cpuByService();
      const maxLag: Record<string, number> = {};
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const lag = await lagOf(groups).catch(() => ({}) as Record<string, number>);
          for (const [g, n] of Object.entries(lag)) maxLag[g] = Math.max(maxLag[g] ?? 0, n);
          await sleep(1000);
        }
      })();
      const windowStart = await utcNow(base, cap.db);
      const work = await runWorkload({
        config: base,
        database: cap.db,
        rate,
        durationS: opts.durationS,
        seed: opts.seed + i,
        txnSize: opts.txnSize,
        connections: opts.connections,
        // A rate this machine cannot reach ends with the phase's time instead of running on.
        cutOffS: opts.durationS * 1.1,
        mix: MIX,
      });
      const windowEnd = await utcNow(base, cap.db);
      const caughtUpAfterS = await waitCaughtUp(groups, `freshness at ${rate}/s`);
      sampling = false;
      await sampler;
      const delays = await freshness(staging, warehouse, cap.db, live.schema, windowStart, windowEnd);
      const r: RateResult = {
        targetRate: rate,
        achievedRate: Math.round(work.achievedRate),
        committed: work.committed,
        workloadMaxLateMs: Math.round(work.maxLateMs),
        staging: percentiles(delays.staging),
        fact: percentiles(delays.fact),
        maxLag: {
          staging: maxLag[cap.group] ?? 0,
          conform: maxLag[live.conformGroup] ?? 0,
          warehouse: maxLag[live.warehouseGroup] ?? 0,
        },
        caughtUpAfterS: round(caughtUpAfterS, 2),
        keepsUp: caughtUpAfterS <= KEEPS_UP_S,
        cpuS: cpuSince(cpu0),
        services: cpuDelta(svc0, cpuByService()),
      };
      rates.push(r);
      step(
        `  ${r.achievedRate}/s achieved; staging p99 ${r.staging.p99} ms, fact p99 ${r.fact.p99} ms; caught up ${r.caughtUpAfterS} s after; CPU s: ${Object.entries(
          { ...r.cpuS, ...r.services },
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }

    // ---- 2. Backpressure: the warehouse cannot write -------------------------------------------------
    let blocked: { committed: number; caughtUpAfterS: number; cpuS: Record<string, number> } | undefined;
    if (opts.phases.has('backpressure')) {
      rss.setPhase('warehouse blocked');
      step(
        `backpressure: FactSales locked for ${opts.pauseS} s while the workload runs at ${opts.pauseRate}/s`,
      );
      const locker = await warehouse.connect();
      try {
        const cpu0 = cpuNow();
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${live.schema}"."FactSales" IN ACCESS EXCLUSIVE MODE`);
        const work = await runWorkload({
          config: base,
          database: cap.db,
          rate: opts.pauseRate,
          durationS: opts.pauseS,
          seed: opts.seed + 100,
          txnSize: opts.txnSize,
          connections: opts.connections,
          // The lock must end before the warehouse's consumer session times out (30 s).
          cutOffS: opts.pauseS,
          mix: MIX,
        });
        const lagAtRelease = await lagOf(groups);
        await locker.query('COMMIT');
        rss.setPhase('catch-up after the block');
        const caughtUpAfterS = await waitCaughtUp(groups, 'catch-up after the block');
        blocked = {
          committed: work.committed,
          caughtUpAfterS: round(caughtUpAfterS, 2),
          cpuS: cpuSince(cpu0),
        };
        step(
          `  ${work.committed} changes; warehouse lag at release ${lagAtRelease[live.warehouseGroup] ?? 0}; caught up ${caughtUpAfterS.toFixed(1)} s after`,
        );
      } finally {
        await locker.query('ROLLBACK').catch(() => undefined);
        locker.release();
      }
    }

    // ---- 3. Replay into empty warehouses --------------------------------------------------------------
    const replays: Record<
      string,
      {
        events: number;
        wallS: number;
        eventsPerS: number;
        cpuS: Record<string, number>;
        identical: boolean;
        differing: string[];
      }
    > = {};
    if (opts.phases.has('replay')) {
      const count = async (topics: string[]) => {
        let n = 0;
        for (const t of topics)
          for (const p of await admin.fetchTopicOffsets(t)) n += Number(p.high) - Number(p.low);
        return n;
      };
      const all = await admin.listTopics();
      const rawTopics = rawOfModel.filter((t) => all.includes(t));
      const conformedTopics = all.filter((t) => t.startsWith(`${live.config.pipeline.conformedPrefix}.`));
      const rawEvents = await count(rawTopics);
      const conformedRecords = await count(conformedTopics);
      for (const p of procs.splice(0)) await p.stop();

      const liveTables = await snapshotTables(warehouse, live.schema);
      for (const [name, star, stages] of [
        ['whole star (conform + warehouse)', replay, ['conform', 'warehouse']],
        ['warehouse sink alone', sinkOnly, ['warehouse']],
      ] as const) {
        rss.setPhase(`replay: ${name}`);
        const events = stages.length === 2 ? rawEvents : conformedRecords;
        step(
          `replay, ${name}: ${events} ${stages.length === 2 ? 'raw events' : 'conformed records'} from the earliest offsets`,
        );
        const cpu0 = cpuNow();
        const t = performance.now();
        for (const s of stages) stage(`replay ${s}`, star.env, s);
        const replayGroups = stages.map((s) => (s === 'conform' ? star.conformGroup : star.warehouseGroup));
        // Until the groups exist and have committed everything.
        await waitCaughtUp(replayGroups, `replay ${name}`);
        const wallS = (performance.now() - t) / 1000;
        const cpuS = cpuSince(cpu0);
        for (const p of procs.splice(0)) await p.stop();
        const tables = await snapshotTables(warehouse, star.schema);
        const differing = Object.keys(liveTables).filter((k) => !isDeepStrictEqual(liveTables[k], tables[k]));
        for (const k of differing) {
          const a = liveTables[k]!;
          const b = tables[k] ?? [];
          const i = a.findIndex((row, j) => !isDeepStrictEqual(row, b[j]));
          step(
            `  ${k}: ${a.length} live rows, ${b.length} replayed; first difference at row ${i}: live ${JSON.stringify(a[i])}, replay ${JSON.stringify(b[i])}`,
          );
        }
        replays[name] = {
          events,
          wallS: round(wallS, 2),
          eventsPerS: Math.round(events / wallS),
          cpuS,
          identical: differing.length === 0,
          differing,
        };
        step(
          `  ${Math.round(events / wallS)} events/s; ${differing.length === 0 ? 'identical to the live run' : `DIFFERENT: ${differing.join(', ')}`}`,
        );
      }
    }

    // ---- Report ---------------------------------------------------------------------------------------
    const memory = rss.result();
    const result = {
      bench: 'pipeline',
      startedAt: started.toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadavg: loadavg().map((l) => round(l, 2)) },
      options: opts,
      model: softcartModel.name,
      capture: { db: cap.db, prefix: cap.prefix },
      freshness: rates,
      // Achieved, not targeted: on a small machine the source itself may fall short of the target.
      highestRateKeepingUp: Math.max(0, ...rates.filter((r) => r.keepsUp).map((r) => r.achievedRate)),
      backpressure: blocked && { ...blocked, lockedS: opts.pauseS, rate: opts.pauseRate },
      replay: replays,
      peakRssMb: memory,
    };
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `pipeline-${started.toISOString().replaceAll(':', '-').replace(/\..*/, '')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    report(result, file);
  } finally {
    await cleanup();
  }
}

async function utcNow(config: ReturnType<typeof loadConfig>, db: string): Promise<string> {
  const { connectMysql } = await import('../seeds/db.js');
  const c = await connectMysql(config, db);
  try {
    const [r] = await c.query("SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%d %H:%i:%s.%f') AS t");
    return (r as Array<{ t: string }>)[0]!.t;
  } finally {
    await c.end();
  }
}

/** Waits until the capture's raw topics hold at least `n` records (Debezium's snapshot). */
async function waitForRecords(kafka: ReturnType<typeof createKafka>, cap: Capture, n: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const t0 = performance.now();
    for (;;) {
      let have = 0;
      for (const t of (await admin.listTopics()).filter((t) => t.startsWith(`${cap.prefix}.${cap.db}.`)))
        for (const p of await admin.fetchTopicOffsets(t)) have += Number(p.high);
      if (have >= n) return;
      if (performance.now() - t0 > 300_000)
        throw new Error(`the snapshot wrote ${have} of ${n} records in 300 s`);
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Per sale changed in the window: commit_ts (the source commit, µs) to the commit of the PostgreSQL
 * transaction that wrote the row, in staging and in FactSales. A sale changed twice counts once, with its
 * last change (both rows reflect it once the pipeline has caught up).
 */
async function freshness(
  staging: pg.Pool,
  warehouse: pg.Pool,
  db: string,
  schema: string,
  from: string,
  to: string,
): Promise<{ staging: number[]; fact: number[] }> {
  const { rows } = await staging.query(
    `SELECT rowid,
            extract(epoch FROM commit_ts AT TIME ZONE 'UTC') * 1000 AS src,
            extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000 AS done
       FROM "${db}".sales_data
      WHERE commit_ts >= $1::timestamp AND commit_ts <= $2::timestamp`,
    [from, to],
  );
  const src = new Map<number, number>();
  const stagingDelays: number[] = [];
  for (const r of rows) {
    src.set(Number(r.rowid), Number(r.src));
    if (r.done !== null) stagingDelays.push(Number(r.done) - Number(r.src));
  }
  const { rows: facts } = await warehouse.query(
    `SELECT orderid, extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000 AS done
       FROM "${schema}"."FactSales" WHERE orderid = ANY($1::int[])`,
    [[...src.keys()]],
  );
  const factDelays: number[] = [];
  for (const f of facts) if (f.done !== null) factDelays.push(Number(f.done) - src.get(Number(f.orderid))!);
  return { staging: stagingDelays, fact: factDelays };
}

function report(
  r: {
    freshness: RateResult[];
    highestRateKeepingUp: number;
    backpressure: { committed: number; caughtUpAfterS: number; lockedS: number; rate: number } | undefined;
    replay: Record<
      string,
      { events: number; wallS: number; eventsPerS: number; identical: boolean; differing: string[] }
    >;
    peakRssMb: Record<string, Record<string, number>>;
  },
  file: string,
): void {
  say('');
  say('Freshness: source commit (commit_ts, µs) -> PostgreSQL commit of the row, per changed sale, ms');
  printTable(
    ['rate target', 'achieved', 'table', 'rows', 'p50', 'p95', 'p99', 'max', 'max lag', 'caught up s'],
    r.freshness.flatMap((f) => [
      [
        f.targetRate,
        f.achievedRate,
        'staging',
        f.staging.n,
        f.staging.p50,
        f.staging.p95,
        f.staging.p99,
        f.staging.max,
        f.maxLag.staging,
        f.caughtUpAfterS,
      ],
      [
        '',
        '',
        'FactSales',
        f.fact.n,
        f.fact.p50,
        f.fact.p95,
        f.fact.p99,
        f.fact.max,
        Math.max(f.maxLag.conform, f.maxLag.warehouse),
        '',
      ],
    ]),
    say,
  );
  say(
    `highest achieved rate at which the pipeline kept up (caught up within ${KEEPS_UP_S} s of the workload's end): ${r.highestRateKeepingUp ? `${r.highestRateKeepingUp}/s` : 'none of those tried'}`,
  );
  const short = r.freshness.filter((f) => f.achievedRate < 0.95 * f.targetRate);
  if (short.length)
    say(
      `note: the workload reached ${short.map((f) => `${f.achievedRate} of ${f.targetRate}/s`).join(', ')}: MariaDB, Debezium, Kafka, PostgreSQL, the pipeline and the generator share this machine's CPUs (CPU s per service in the JSON); the pipeline kept up with what was committed.`,
    );
  say('');
  if (r.backpressure)
    say(
      `Backpressure: FactSales locked ${r.backpressure.lockedS} s under ${r.backpressure.rate} changes/s (${r.backpressure.committed} changes); caught up ${r.backpressure.caughtUpAfterS} s after the release`,
    );
  say('');
  say('Replay from the earliest offsets into an empty warehouse');
  printTable(
    ['replay', 'events', 'wall s', 'events/s', 'identical to live'],
    Object.entries(r.replay).map(([k, v]) => [
      k,
      v.events,
      v.wallS,
      v.eventsPerS,
      v.identical ? 'yes' : `NO (${v.differing.join(', ')})`,
    ]),
    say,
  );
  say('');
  say('Peak RSS per process and phase, MB');
  const names = [...new Set(Object.values(r.peakRssMb).flatMap((m) => Object.keys(m)))];
  printTable(
    ['phase', ...names],
    Object.entries(r.peakRssMb).map(([phase, m]) => [phase, ...names.map((n) => m[n] ?? '-')]),
    say,
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
