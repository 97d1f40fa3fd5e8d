/**
 * The conform benchmark (`npx tsx bench/conform.ts [--scale N]`, part of `npm run bench`), against the running
 * local stack, in a private capture removed at the end (also on failure).
 *
 * SoftCart seeded N times (N × 2,605 sales, 2,516 customers, the 438 catalog documents through the stand-in)
 * is captured by Debezium's snapshot; then, over the same raw topics, in the same run:
 *   PASSTHROUGH  a consumer group that reads every raw record and produces its bytes unchanged to a scratch
 *                topic, committing after each batch: the Kafka client's own limit for consume-and-produce;
 *   CONFORM      the conform processors (decode, map through the star model, encode, produce the conformed
 *                records, commit), from the earliest offsets with a fresh group.
 * It reports events/s of each and their ratio. It reports, it does not judge.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig, REPO_ROOT } from '../core/config/load.js';
import {
  createConsumer,
  createKafka,
  createProducer,
  ensureTopic,
  kafkaOptionsFrom,
} from '../core/kafka/client.js';
import { createLogger } from '../core/log/logger.js';
import { measureLag } from '../ops/lag/lag.js';
import { softcartModel } from '../schemas/softcart.js';
import { publishCatalogSnapshot } from '../seeds/catalog/standin.js';
import { seedSoftcart } from '../seeds/softcart-seed.js';
import { catalogDocuments, dataDirFor } from '../seeds/source.js';
import { createConformService } from '../streams/conform/conform-service.js';
import { newCapture } from '../tests/support/capture.js';
import { newStar } from '../tests/support/star.js';

const { values: argv } = parseArgs({ options: { scale: { type: 'string', default: '10' } } });
const scale = Number(argv.scale);
if (!Number.isInteger(scale) || scale < 1 || scale > 1000) {
  process.stderr.write(`--scale "${argv.scale}" is not an integer from 1 to 1000\n`);
  process.exit(2);
}

const base = loadConfig();
const log = createLogger('warn');
const cap = newCapture(base, 'bench_conform', 'bench');
const star = newStar(cap);
const kafka = createKafka(kafkaOptionsFrom(base, { clientId: 'starling-bench' }));
const passGroup = `bench-pass-${cap.prefix}`;
const passTopic = `${cap.prefix}.passthrough`;

async function rawTotal(topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let n = 0;
    for (const t of topics) for (const o of await admin.fetchTopicOffsets(t)) n += Number(o.high);
    return n;
  } finally {
    await admin.disconnect();
  }
}

/** Seconds until the group has committed the end of every raw topic. */
async function drained(group: string, topics: string[], started: number): Promise<number> {
  for (;;) {
    const sample = await measureLag(kafka, { groups: [group], readTimeoutMs: 1000 });
    const rows = sample.rows.filter((r) => topics.includes(r.topic));
    if (rows.length === topics.length && rows.every((r) => r.lag === 0)) return (Date.now() - started) / 1000;
    await sleep(200);
  }
}

async function passthrough(topics: string[]): Promise<number> {
  // Timed like the conform run: from before its clients connect until the group has committed everything.
  const started = Date.now();
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopic(admin, passTopic, []);
  await admin.disconnect();
  const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = createConsumer(kafka, { groupId: passGroup, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
      // Same bound as the conform processor: requests under the broker's record-batch limit.
      for (let i = 0; i < messages.length; i += 2000)
        await producer.sendBatch({
          acks: -1,
          topicMessages: [{ topic: passTopic, messages: messages.slice(i, i + 2000) }],
        });
      const last = batch.messages[batch.messages.length - 1]!.offset;
      resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
      ]);
    },
  });
  const s = await drained(passGroup, topics, started);
  await consumer.disconnect();
  await producer.disconnect();
  return s;
}

async function main(): Promise<void> {
  const dataDir = dataDirFor(undefined);
  process.stderr.write(`seeding SoftCart x${scale} and capturing it...\n`);
  await seedSoftcart({ config: base, database: cap.db, dataDir, scale });
  await publishCatalogSnapshot(catalogDocuments(dataDir) as never, {
    config: star.config,
    topicPrefix: cap.prefix,
  });
  await cap.start();
  const topics = [cap.topic('sales_data'), cap.topic('customers'), `${cap.prefix}.catalog.electronics`];
  const conn = await (await import('../seeds/db.js')).connectMysql(base);
  const [[{ n }]] = (await conn.query(
    `SELECT (SELECT count(*) FROM \`${cap.db}\`.sales_data) + (SELECT count(*) FROM \`${cap.db}\`.customers) AS n`,
  )) as unknown as [[{ n: number }]];
  await conn.end();
  const expected = Number(n) + catalogDocuments(dataDir).length;
  for (;;) {
    const have = await rawTotal(topics).catch(() => 0);
    if (have >= expected) break;
    await sleep(500);
  }
  const events = await rawTotal(topics);
  process.stderr.write(`${events} raw events; passthrough...\n`);
  const passS = await passthrough(topics);
  process.stderr.write('conform...\n');
  const conform = createConformService(star.config, softcartModel, log, (e) => {
    throw e;
  });
  const started = Date.now();
  await conform.start();
  const conformS = await drained(star.conformGroup, topics, started);
  await conform.stop();

  const result = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
    scale,
    events,
    passthrough: { seconds: passS, eventsPerSecond: Math.round(events / passS) },
    conform: { seconds: conformS, eventsPerSecond: Math.round(events / conformS) },
    ratio: Number((passS / conformS).toFixed(3)),
  };
  const rows = [
    ['run', 'events', 'seconds', 'events/s'],
    [
      'passthrough (consume + produce)',
      String(events),
      passS.toFixed(2),
      String(result.passthrough.eventsPerSecond),
    ],
    ['conform processors', String(events), conformS.toFixed(2), String(result.conform.eventsPerSecond)],
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')}\n`);
  process.stdout.write(`conform / passthrough = ${result.ratio}\n`);
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `conform-${result.at.replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written: ${file}\n`);
}

main()
  .catch((e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await star.drop().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([passGroup]).catch(() => undefined);
    await admin.disconnect();
    const failed = await cap.drop();
    if (failed.length) process.stderr.write(`cleanup: ${failed.join('; ')}\n`);
  });
