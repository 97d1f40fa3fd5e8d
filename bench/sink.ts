/**
 * The sink throughput benchmark (issue 6): `npx tsx bench/sink.ts [--events N] ...` (see USAGE in
 * bench/sink/options.ts), against the running local stack, in a private capture that is removed at the
 * end, also on failure or Ctrl-C.
 *
 * 1. Debezium itself registers sales_data's key and value schemas and writes one record of each kind; the
 *    generator rebuilds those records byte for byte (a self-check), then writes N records of the same
 *    shape (80% inserts, 15% updates, 5% deletes with tombstones, over rowid 1..K, deterministic from the
 *    seed) into a topic of their own; a sentinel update closes each topic.
 * 2. Into the same PostgreSQL (the staging database), in alternating order per round:
 *    (a) Starling's staging sink, `starling run` as its own process;
 *    (b) Debezium's JDBC sink on the stack's Kafka Connect, its batch.size x use.reduction.buffer swept on a
 *        smaller topic first, its best setting at full size;
 *    (c) COPY of the final rows into an empty table: the floor no upsert path beats.
 *    Each round opens with two raw-consume baselines on the same topic (unless --skip-raw): a bare kafkajs
 *    consumer in its own process and Kafka's Java ConsumerPerformance tool; no decoding, no database. They
 *    give staging / raw kafkajs (how much of its client's own limit the sink reaches) and raw kafkajs /
 *    raw Java (how fast kafkajs reads next to the JVM client).
 * 3. Every table is checked against the generator's final state (an md5 over normalized rows).
 *
 * It reports, it does not judge: nothing here is an assertion on time.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ConnectApi } from '../connectors/connect-api.js';
import { AvroCodec } from '../core/codec/avro-codec.js';
import { RegistryClient } from '../core/codec/registry-client.js';
import { loadConfig, REPO_ROOT } from '../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../core/kafka/client.js';
import { type Capture, newCapture } from '../tests/support/capture.js';
import { runBaselines } from './sink/baselines.js';
import { expectedDigest } from './sink/canonical.js';
import { DecodeCheck } from './sink/decode-check.js';
import { staleBuild } from './sink/dist-check.js';
import { EnvelopeEncoder } from './sink/envelope.js';
import { ChangePlan, SENTINEL_MARKER } from './sink/generator.js';
import { type Measure, round } from './sink/measure.js';
import { parseOptions, USAGE } from './sink/options.js';
import { connectWorkerPid } from './sink/proc.js';
import { produceTopic } from './sink/produce.js';
import { printReport, type SweepEntry, type Verdict } from './sink/report.js';
import { renderCopyText, runCopy } from './sink/run-copy.js';
import { type JdbcSetting, removeConnector, runJdbc } from './sink/run-jdbc.js';
import { runStaging, stopChild } from './sink/run-staging.js';
import { sweepJdbc } from './sink/sweep.js';
import { learnFromDebezium, selfCheck } from './sink/template.js';
import { bestRuns, verdictOf } from './sink/verify.js';

const parsed = parseOptions(process.argv.slice(2));
if ('help' in parsed) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if ('problems' in parsed) {
  process.stderr.write(`${parsed.problems.join('\n')}\n${USAGE}\n`);
  process.exit(2);
}
const opts = parsed;

const step = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const started = new Date();
  const tStart = performance.now();
  const stale = staleBuild();
  if (stale.length)
    step(
      `WARNING: dist/ is older than ${stale.length} source file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}): the staging contender runs the build; run npm run build`,
    );
  const base = loadConfig();
  // The events are generated with Debezium's default Avro field names (and checked against records this
  // connector writes): the capture keeps those, not Starling's escaped names with source-name parameters.
  const cap: Capture = newCapture(base, 'bench_sink', 'bench', {}, (c) => {
    const { 'column.propagate.source.type': _propagate, ...rest } = c;
    return { ...rest, 'field.name.adjustment.mode': 'none' };
  });
  const kafka = createKafka(kafkaOptionsFrom(base, { clientId: 'starling-bench-sink' }));
  const admin = kafka.admin();
  const pool = new pg.Pool({ connectionString: base.postgres.stagingUrl, max: 3 });
  pool.on('error', () => undefined);
  const api = new ConnectApi(base.connect.url, base.connect.auth);
  const probeGroup = `bench-sink-probe-${cap.prefix}`;
  const jdbcSchema = `${cap.db}_jdbc`;
  const copySchema = `${cap.db}_copy`;
  const groups: string[] = [probeGroup];
  const connectors: string[] = [];
  let child: ChildProcess | undefined;

  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      step('cleaning up: sink process, connectors, schemas, topics, groups, registry subjects, capture');
      if (child) await stopChild(child, step).catch(() => undefined);
      for (const name of connectors) await removeConnector(api, admin, name, step).catch(() => undefined);
      for (const schema of [cap.db, jdbcSchema, copySchema])
        await pool
          .query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
          .catch((e) => step(`drop schema ${schema}: ${(e as Error).message}`));
      // Delete groups one by one: a group that never came to be is not a failure.
      for (const g of groups) await admin.deleteGroups([g]).catch(() => undefined);
      for (const f of await cap.drop()) if (!/DeleteGroups/.test(f)) step(`cleanup failed: ${f}`);
      await admin.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
    })();
    return cleaning;
  };
  process.once('SIGINT', () => {
    step('interrupted');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    await admin.connect();
    const workerPid = connectWorkerPid(base.home);
    if (!opts.skipJdbc && workerPid === undefined)
      step('the Connect worker process was not found in /proc: JDBC CPU and RSS are not measured');

    // ---- 1. Debezium's own records, the generator, the topics -----------------------------------------
    step(`capture ${cap.db} (prefix ${cap.prefix}): letting Debezium register sales_data's schemas`);
    const learned = await learnFromDebezium(base, cap, kafka, admin, probeGroup, step);
    // Debezium's part is done: its connector would only idle on the Connect worker whose CPU (b) reports.
    await api.delete(cap.connector);
    const encoder = new EnvelopeEncoder(learned.template);
    const self = selfCheck(encoder, learned.records);
    step(
      `schemas: key id ${learned.template.keySchemaId}, value id ${learned.template.valueSchemaId} (${learned.wireFormat}); self-check ${self.identical}/${self.checked} byte-identical`,
    );
    if (self.differences.length) step(`self-check DIFFERENT: ${self.differences.join('; ')}`);

    const codec = new AvroCodec(new RegistryClient(base.registry.ccompatUrl, base.registry.auth));
    await codec.prepare(learned.template.keySchemaId);
    await codec.prepare(learned.template.valueSchemaId);
    const decodeCheck = new DecodeCheck(codec);
    const endUs = Date.now() * 1000;
    const topicOf = (name: string) => `${cap.prefix}.${cap.db}.${name}`;

    const generation: Array<{ topic: string; records: number; seconds: number; mb: number }> = [];
    let sweepPlan: ChangePlan | undefined;
    let sweepTopic = '';
    if (!opts.skipJdbc) {
      sweepPlan = new ChangePlan(opts.sweepEvents, opts.keys, opts.seed, endUs);
      sweepTopic = topicOf('sales_data_sweep');
      step(`generating ${opts.sweepEvents} records into ${sweepTopic}`);
      const p = await produceTopic(kafka, admin, sweepTopic, sweepPlan, encoder, step, (c, k, v) =>
        decodeCheck.sample(c, k, v),
      );
      generation.push({ topic: sweepTopic, records: p.records, seconds: p.seconds, mb: p.bytes / 2 ** 20 });
    }
    const plan = new ChangePlan(opts.events, opts.keys, opts.seed, endUs);
    const topic = topicOf('sales_data_bench');
    step(`generating ${opts.events} records into ${topic}`);
    const produced = await produceTopic(kafka, admin, topic, plan, encoder, step, (c, k, v) =>
      decodeCheck.sample(c, k, v),
    );
    generation.push({
      topic,
      records: produced.records,
      seconds: produced.seconds,
      mb: produced.bytes / 2 ** 20,
    });
    step(
      `generated ${produced.records} records in ${produced.seconds.toFixed(1)} s (${Math.round(produced.records / produced.seconds)}/s); final table ${plan.counts.finalRows} rows`,
    );
    const expected = expectedDigest(plan.finalRows());
    const sweepExpected = sweepPlan ? expectedDigest(sweepPlan.finalRows()) : undefined;
    const copyText = renderCopyText(plan.finalRows());

    const jdbcRun = async (
      t: string,
      p: ChangePlan,
      setting: JdbcSetting,
      table: string,
    ): Promise<Measure> => {
      const name = `bench-jdbc-${cap.prefix}-${connectors.length + 1}`;
      connectors.push(name);
      return runJdbc({
        config: base,
        api,
        admin,
        pool,
        workerPid,
        name,
        topic: t,
        target: { schema: jdbcSchema, table },
        setting,
        records: p.counts.records,
        finalRows: p.counts.finalRows,
        sentinelKey: p.sentinelKey,
        marker: SENTINEL_MARKER,
        timeoutS: Math.max(300, p.counts.records / 500),
        step,
      });
    };

    // ---- 2. The JDBC sink's sweep ---------------------------------------------------------------------
    let sweep: SweepEntry[] = [];
    let best: JdbcSetting | undefined;
    let warmup: Measure | undefined;
    if (sweepPlan && sweepExpected) {
      // The first JDBC sink a worker starts loads its classes (Hibernate, the driver) for seconds; that
      // one-off cost is paid here, on Debezium's own six records, not by the first setting swept.
      step("JDBC warm-up: the sink once over Debezium's own sales_data records");
      const name = `bench-jdbc-${cap.prefix}-warmup`;
      connectors.push(name);
      warmup = await runJdbc({
        config: base,
        api,
        admin,
        pool,
        workerPid,
        name,
        topic: cap.topic('sales_data'),
        target: { schema: jdbcSchema, table: 'warmup' },
        setting: { batchSize: 500, reductionBuffer: false },
        records: learned.records.length,
        finalRows: 2,
        // Debezium's update set rowid 1's quantity to 7 (template.ts); rows 1 and 3 remain.
        sentinelKey: 1,
        marker: 7,
        timeoutS: 120,
        step,
      });
      step(`  warm-up: first row after ${warmup.firstRowS} s, done after ${warmup.wallS} s`);
      const p = sweepPlan;
      ({ sweep, best } = await sweepJdbc({
        batchSizes: opts.batchSizes,
        records: p.counts.records,
        expectedMd5: sweepExpected.md5,
        run: (setting, table) => jdbcRun(sweepTopic, p, setting, table),
        step,
      }));
    }

    // ---- 3. Full size, alternating order --------------------------------------------------------------
    const rounds: Array<{ round: number; order: string[]; baselines: Measure[]; runs: Measure[] }> = [];
    const verdicts: Verdict[] = [];
    const timeoutS = Math.max(300, plan.counts.records / 500);
    for (let r = 1; r <= opts.rounds; r++) {
      const baselines = opts.skipRaw
        ? []
        : await runBaselines({
            admin,
            brokers: base.kafka.brokers,
            // As infra/stack/paths.ts has it.
            jarsDir: base.jarsDir ?? join(base.home, 'jars'),
            topic,
            records: plan.counts.records,
            round: r,
            group: (name) => {
              const g = `${cap.group}-${name}-r${r}`;
              groups.push(g);
              return g;
            },
            timeoutS,
            step,
            track: (ch) => {
              child = ch;
            },
          });
      const order: Array<'staging' | 'jdbc' | 'copy'> = ['staging', 'jdbc', 'copy'].filter(
        (c) => !(c === 'jdbc' && !best),
      ) as Array<'staging' | 'jdbc' | 'copy'>;
      if (r % 2 === 0) order.reverse();
      const runs: Measure[] = [];
      for (const c of order) {
        step(`round ${r}: ${c}`);
        let m: Measure;
        if (c === 'staging') {
          const group = `${cap.group}-r${r}`;
          groups.push(group);
          m = await runStaging({
            cap,
            admin,
            pool,
            topic,
            group,
            records: plan.counts.records,
            finalRows: plan.counts.finalRows,
            sentinelKey: plan.sentinelKey,
            marker: SENTINEL_MARKER,
            timeoutS,
            nodeArgs: opts.profileDir
              ? [
                  '--cpu-prof',
                  `--cpu-prof-dir=${opts.profileDir}`,
                  `--cpu-prof-name=staging-r${r}.cpuprofile`,
                ]
              : [],
            step,
            track: (ch) => {
              child = ch;
            },
          });
        } else if (c === 'jdbc') {
          m = await jdbcRun(topic, plan, best!, `full_r${r}`);
        } else {
          m = await runCopy(
            base.postgres.stagingUrl,
            { schema: copySchema, table: `copy_r${r}` },
            copyText,
            pool,
          );
        }
        m.extra.matchesGenerator = m.digest?.md5 === expected.md5;
        step(`  ${m.rate} ${c === 'copy' ? 'rows' : 'events'}/s, ${m.wallS} s`);
        runs.push(m);
      }
      rounds.push({ round: r, order, baselines, runs });
      verdicts.push(verdictOf(r, runs, expected));
    }

    const best1 = bestRuns(rounds.flatMap((rd) => [...rd.baselines, ...rd.runs]));
    const a = best1.staging;
    const b = best1.jdbc;
    const cp = best1.copy;
    const rk = best1['raw-kafkajs'];
    const rj = best1['raw-java'];
    const totalS = (performance.now() - tStart) / 1000;
    const result = {
      bench: 'sink',
      startedAt: started.toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadavg: loadavg().map((l) => round(l, 2)) },
      options: opts,
      staleBuild: stale,
      capture: { db: cap.db, prefix: cap.prefix },
      debezium: {
        keySchemaId: learned.template.keySchemaId,
        valueSchemaId: learned.template.valueSchemaId,
        subjectIds: learned.subjects,
        wireFormat: learned.wireFormat,
        headers: Object.keys(learned.template.headers),
        selfCheck: self,
      },
      decodeCheck: { checked: decodeCheck.checked, problems: decodeCheck.problems },
      topics: {
        full: { ...produced, counts: plan.counts },
        sweep: sweepPlan ? { topic: sweepTopic, counts: sweepPlan.counts } : null,
      },
      generation,
      expected: { full: expected, sweep: sweepExpected ?? null },
      jdbcWarmup: warmup ?? null,
      sweep,
      jdbcBest: best ?? null,
      rounds,
      best: best1,
      ratios: {
        abEventsPerS: a && b ? round(a.rate / b.rate, 3) : null,
        acEventsPerSOverCopyRowsPerS: a && cp ? round(a.rate / cp.rate, 4) : null,
        abTimeToFinalState: a && b ? round(a.wallS / b.wallS, 3) : null,
        acTimeToFinalState: a && cp ? round(a.wallS / cp.wallS, 3) : null,
        stagingOverRawKafkajsEventsPerS: a && rk ? round(a.rate / rk.rate, 3) : null,
        rawKafkajsOverRawJavaEventsPerS: rk && rj ? round(rk.rate / rj.rate, 3) : null,
      },
      verify: verdicts,
      totalS: round(totalS, 1),
    };
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `sink-${started.toISOString().replaceAll(':', '-').replace(/\..*/, '')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
    );
    printReport({
      counts: plan.counts,
      topicRecords: plan.counts.records,
      generation,
      selfCheck: self,
      decodeCheck: { checked: decodeCheck.checked, problems: decodeCheck.problems },
      sweep,
      sweepRecords: sweepPlan?.counts.records ?? 0,
      rounds,
      best: best1,
      verdicts,
      file,
      totalS,
    });
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
