import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { loadConfig } from '../../core/config/load.js';
import { createConsumer, createKafka, createProducer, type KafkaMessage } from '../../core/kafka/client.js';
import { reconcile } from '../../ops/reconcile/reconcile.js';
import { formatReport } from '../../ops/reconcile/report.js';
import { Prng } from '../../seeds/prng.js';
import { dataDirFor } from '../../seeds/source.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { DLQ_MAX_MESSAGE_BYTES, dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { header, readDeadLetters } from '../support/dead-letters.js';
import { buildOracle, countryAtSaleTime } from '../support/history-oracle.js';
import { sourceChecksums, stagingChecksums, stagingPool } from '../support/mirror-checksum.js';
import { caughtUp, dropOracle, expectedFacts, newStar, warehousePool } from '../support/star.js';
import { expectStarConverges, STAR_MIX, seedStarSources, waitForSnapshot } from '../support/star-scenario.js';
import { FULL, SEED, SIZE } from './support/matrix.js';
import { STAGES, type Stage, StageProcess } from './support/stages.js';

// 1,000 poison records produced into the raw topics of sales_data and customers while a seeded workload runs
// through the whole pipeline (staging sink, conform processors, warehouse sink: one `starling run` process
// each): malformed bytes, unknown schema ids, schemas the sinks cannot apply, values their columns cannot
// hold, and records near the topic's size limit. Each must be dead-lettered exactly once per stage that
// reads raw topics, with the code of its kind; no process may exit; every good change must land (staging
// equal to the source, the warehouse equal to the recomputation); and reconcile must be clean while
// listing every key that has dead letters, and the facts of the dimension members whose change was lost.
const POISON = FULL ? 2000 : 1000;
const NEAR_LIMIT = FULL ? 20 : 6;
const base = testConfig();
const cap = newCapture(base, 'it_poison');
const star = newStar(cap, { stages: 'staging' });
const env = {
  ...star.env,
  // Only this capture's tables (the catalog stand-in's topic would land in the shared staging schema).
  STARLING_STAGING_TOPICS: `^${cap.prefix}\\.${cap.db}\\.[^.]+$`,
  STARLING_SOURCE_DATABASES: cap.db,
};
const config = loadConfig({ ...process.env, ...env });
const pool = warehousePool(base);
const staging = stagingPool(base);
const kafka = createKafka({ brokers: base.kafka.brokers });
const admin = kafka.admin();
const producer = createProducer(kafka);
const registry = new RegistryClient(base.registry.ccompatUrl);
const codec = new AvroCodec(registry);
const tmp = mkdtempSync(join(tmpdir(), 'starling-poison-'));
const readers = [
  uniqueName('it-poison-dlq-staging'),
  uniqueName('it-poison-dlq-conform'),
  uniqueName('it-poison-dlq-wh'),
];
const templateGroups: string[] = [];
const processes: StageProcess[] = [];
const stops: Array<() => Promise<void>> = [];
/** The workload, awaited before cleanup drops its database (a failed test must not leave it writing). */
let workloadRun: Promise<unknown> | undefined;

afterAll(async () => {
  await workloadRun?.catch(() => undefined);
  for (const p of processes) await p.kill9();
  for (const f of stops) await f().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await admin.deleteGroups([...readers, ...templateGroups]).catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  await star.drop().catch(() => undefined);
  await dropOracle(base, cap.db).catch(() => undefined);
  await cap.drop().catch(() => undefined);
  await pool.end();
  rmSync(tmp, { recursive: true, force: true });
});

type Table = 'sales_data' | 'customers';

/** A kind of poison and the error code each stage that reads raw topics must give it. */
interface Kind {
  name: string;
  staging: string | ((t: Table) => string);
  conform: string;
  /** a key no source row has (a rejected write must not be reduced away by a real change of the key) */
  freshKey?: boolean;
  weight: number;
}

const KINDS: Kind[] = [
  { name: 'not-avro', staging: 'NOT_AVRO', conform: 'NOT_AVRO', weight: 3 },
  { name: 'truncated-avro', staging: 'AVRO_DECODE', conform: 'AVRO_DECODE', weight: 3 },
  { name: 'unknown-schema-id', staging: 'UNKNOWN_SCHEMA_ID', conform: 'UNKNOWN_SCHEMA_ID', weight: 3 },
  // A schema the registry has, but not a Debezium envelope.
  { name: 'not-an-envelope', staging: 'CONNECTOR_UNKNOWN', conform: 'CONNECTOR_UNKNOWN', weight: 2 },
  // A Debezium envelope whose column type changed in a way staging cannot apply (text -> int, int -> text).
  { name: 'type-change', staging: 'SCHEMA_INCOMPATIBLE', conform: 'VALUE_INVALID', weight: 2 },
  // A value its column cannot hold: price beyond DECIMAL(10,2) (numeric field overflow), a country with a
  // NUL byte (PostgreSQL text cannot hold it) longer than the warehouse's 64 characters.
  {
    name: 'out-of-column',
    staging: (t) => (t === 'sales_data' ? '22003' : '22021'),
    conform: 'VALUE_INVALID',
    freshKey: true,
    weight: 3,
  },
];

interface Template {
  topic: string;
  keySchemaId: number;
  /** the key column's Avro field name (Debezium may adjust it: `customer_id` -> `customer_u005fid`) */
  keyField: string;
  valueSchemaId: number;
  value: Buffer;
  decoded: Record<string, unknown>;
  notEnvelopeId: number;
  typeChangeId: number;
}

interface Poison {
  kind: string;
  table: Table;
  topic: string;
  offset: string;
  keyText: string;
  fresh: boolean;
  staging: string;
  conform: string;
}

async function firstRecord(topic: string): Promise<KafkaMessage> {
  const group = uniqueName('it-poison-template');
  templateGroups.push(group);
  const consumer = createConsumer(kafka, { groupId: group });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) seen.push(message);
    },
  });
  await expect.poll(() => seen.length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
  await consumer.disconnect();
  return seen[0]!;
}

/** The row record inside a Debezium envelope schema (defined in the `before` union). */
function rowRecord(envelope: { fields: Array<{ name: string; type: unknown }> }) {
  const before = envelope.fields.find((f) => f.name === 'before')!;
  return (before.type as unknown[]).find((t) => typeof t === 'object') as {
    fields: Array<{ name: string; type: unknown }>;
  };
}

async function template(table: Table): Promise<Template> {
  const topic = cap.topic(table);
  const m = await firstRecord(topic);
  const valueSchemaId = m.value!.readUInt32BE(1);
  const keyField = Object.keys((await codec.decode<Record<string, unknown>>(m.key))!.value)[0]!;
  const decoded = (await codec.decode<Record<string, unknown>>(m.value))!.value;
  const schema = JSON.parse(await registry.schemaById(valueSchemaId));
  // Registered under subjects of their own, so Debezium's subjects keep their versions.
  const notEnvelopeId = await registry.register(`${topic}-poison-plain-value`, {
    type: 'record',
    name: 'Plain',
    namespace: 'poison',
    fields: [{ name: 'hello', type: 'string' }],
  });
  const changed = rowRecord(schema).fields.find(
    (f) => f.name === (table === 'customers' ? 'country' : 'quantity'),
  )!;
  changed.type = table === 'customers' ? 'int' : 'string';
  const typeChangeId = await registry.register(`${topic}-poison-type-value`, schema);
  return {
    topic,
    keyField,
    keySchemaId: m.key!.readUInt32BE(1),
    valueSchemaId,
    value: m.value!,
    decoded,
    notEnvelopeId,
    typeChangeId,
  };
}

async function sourceIds(sql: string): Promise<number[]> {
  const conn = await mysqlConnection(base, cap.db);
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return (rows as unknown[][]).map((r) => Number(r[0]));
  } finally {
    await conn.end();
  }
}

async function maxMessageBytes(topic: string): Promise<number> {
  const r = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
  const entry = r.resources[0]!.configEntries.find((e) => e.configName === 'max.message.bytes');
  return Number(entry!.configValue);
}

async function rawTotal(): Promise<bigint> {
  let n = 0n;
  for (const t of ['sales_data', 'customers'] as const)
    for (const o of await admin.fetchTopicOffsets(cap.topic(t))) n += BigInt(o.high);
  return n;
}

describe(`fault matrix: ${POISON} poison records in the raw topics (seed ${SEED}, size ${SIZE})`, () => {
  it('each is dead-lettered once with its reason, every good change lands, nothing stops, reconcile lists the keys', async () => {
    console.info(`poison-records seed: ${SEED} (rerun with STARLING_TEST_SEED=${SEED}), size ${SIZE}`);
    const t0 = Date.now();
    const prng = new Prng(SEED);
    await admin.connect();
    await producer.connect();
    const { docs, before } = await seedStarSources(base, cap, star, dataDirFor(undefined));
    await cap.start();
    await waitForSnapshot(base, cap);

    // The staging group's dead-letter topic exists already, taking smaller records than its sources (made
    // by hand, or by an older Starling): the sink must raise it, or near-limit letters could not be written.
    const smallDlq = 256 * 1024;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: dlqTopic(cap.group),
          numPartitions: 1,
          replicationFactor: -1,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'max.message.bytes', value: String(smallDlq) },
          ],
        },
      ],
    });

    for (const stage of STAGES) processes.push(new StageProcess(stage, env, stage));
    const alive = () =>
      processes
        .filter((p) => !p.alive)
        .map((p) => `${p.label} exited ${JSON.stringify(p.exit)}:\n${p.stderr}`);

    const templates = { sales_data: await template('sales_data'), customers: await template('customers') };
    const realKeys = {
      customers: await sourceIds('SELECT customer_id FROM customers'),
      sales_data: await sourceIds('SELECT rowid FROM sales_data ORDER BY rowid LIMIT 20000'),
    };
    const rawLimit = await maxMessageBytes(cap.topic('customers'));
    console.info(
      `raw topics take records up to ${rawLimit} bytes; near-limit poison: ${rawLimit - 1024} bytes`,
    );

    const logFile = join(tmp, 'workload.jsonl');
    let workloadDone = false;
    const workload = runWorkload({
      config: base,
      database: cap.db,
      rate: FULL ? 500 : 250,
      durationS: FULL ? 30 : 16,
      seed: SEED,
      txnSize: 4,
      mix: STAR_MIX,
      logFile,
      catalog: { standin: { topicPrefix: cap.prefix } },
      catalogDocs: docs as never,
    }).finally(() => {
      workloadDone = true;
    });
    workloadRun = workload;

    // The poison: a seeded mix of kinds and tables, keys of real rows or fresh ones, produced in rounds
    // between the workload's own changes (each round waits until the workload has written more records).
    const totalWeight = KINDS.reduce((n, k) => n + k.weight, 0);
    const drawKind = () => {
      let r = prng.next() * totalWeight;
      for (const k of KINDS) {
        r -= k.weight;
        if (r < 0) return k;
      }
      return KINDS[KINDS.length - 1]!;
    };
    let fresh = 0;
    const poisons: Poison[] = [];
    const plan: Array<{ table: Table; kind: Kind; nearLimit: boolean }> = [];
    for (let i = 0; i < POISON; i++) {
      const nearLimit =
        i % Math.floor(POISON / NEAR_LIMIT) === 0 && plan.filter((p) => p.nearLimit).length < NEAR_LIMIT;
      plan.push({
        table: prng.next() < 0.5 ? 'sales_data' : 'customers',
        kind: nearLimit ? KINDS[0]! : drawKind(),
        nearLimit,
      });
    }
    const build = async (p: (typeof plan)[number]) => {
      const t = templates[p.table];
      const keyColumn = p.table === 'customers' ? 'customer_id' : 'rowid';
      const keyField = t.keyField;
      const useFresh = p.kind.freshKey === true || prng.next() < 0.2;
      const id = useFresh ? 2_000_000_000 - fresh++ : prng.pick(realKeys[p.table]);
      const key = await codec.encode(t.keySchemaId, { [keyField]: id });
      let value: Buffer;
      const after = { ...(t.decoded.after as Record<string, unknown>) };
      switch (p.kind.name) {
        case 'not-avro':
          value = p.nearLimit
            ? Buffer.alloc(rawLimit - 1024, 0x7b)
            : Buffer.from(`{"poison": ${prng.int(0, 1e9)}}`);
          break;
        case 'truncated-avro': {
          const body = t.value.subarray(5);
          value = Buffer.concat([t.value.subarray(0, 5), body.subarray(0, prng.int(1, body.length >> 1))]);
          break;
        }
        case 'unknown-schema-id':
          value = Buffer.alloc(12, 1);
          value[0] = 0;
          value.writeUInt32BE(1_900_000_000 + prng.int(0, 9), 1);
          break;
        case 'not-an-envelope':
          value = await codec.encode(t.notEnvelopeId, { hello: `poison ${prng.int(0, 1e9)}` });
          break;
        case 'type-change':
          after[keyField] = id;
          if (p.table === 'customers') after.country = prng.int(1, 99_999);
          else after.quantity = 'many';
          value = await codec.encode(t.typeChangeId, { ...t.decoded, after, op: 'u' });
          break;
        default:
          after[keyField] = id;
          if (p.table === 'customers') after.country = `Atlantis\u0000${'x'.repeat(prng.int(60, 200))}`;
          else after.price = `${prng.int(100_000_000, 999_999_999)}00.00`;
          value = await codec.encode(t.valueSchemaId, { ...t.decoded, after, op: 'c' });
      }
      const staging = typeof p.kind.staging === 'string' ? p.kind.staging : p.kind.staging(p.table);
      return {
        key,
        value,
        meta: {
          kind: p.nearLimit ? 'near-limit' : p.kind.name,
          table: p.table,
          fresh: useFresh,
          staging,
          conform: p.kind.conform,
          keyText: `${keyColumn}=${id}`,
        },
      };
    };

    const ROUNDS = 40;
    const perRound = Math.ceil(POISON / ROUNDS);
    for (let r = 0; r * perRound < POISON; r++) {
      const round = plan.slice(r * perRound, (r + 1) * perRound);
      for (const table of ['sales_data', 'customers'] as const) {
        const built = await Promise.all(round.filter((p) => p.table === table).map(build));
        // Near-limit records go one per request; the rest of the round in one.
        const groups = [
          built.filter((b) => b.meta.kind !== 'near-limit'),
          ...built.filter((b) => b.meta.kind === 'near-limit').map((b) => [b]),
        ];
        for (const g of groups) {
          if (g.length === 0) continue;
          const [meta] = await producer.send({
            topic: cap.topic(table),
            acks: -1,
            messages: g.map((b) => ({ partition: 0, key: b.key, value: b.value })),
          });
          for (const [i, b] of g.entries())
            poisons.push({
              ...b.meta,
              topic: cap.topic(table),
              offset: String(BigInt(meta!.baseOffset!) + BigInt(i)),
            });
        }
      }
      const seen = await rawTotal();
      await expect
        .poll(async () => workloadDone || (await rawTotal()) > seen + 10n, { timeout: 30_000, interval: 100 })
        .toBe(true);
      expect(alive()).toEqual([]);
    }
    const done = await workload;
    console.info(
      `workload: ${done.committed} changes; poison: ${poisons.length} records in ${(Date.now() - t0) / 1000} s`,
    );
    expect(poisons).toHaveLength(POISON);
    expect(done.committed).toBeGreaterThan(1000);

    // Every good change landed: staging equals the source, the warehouse the recomputation.
    await expect
      .poll(async () => JSON.stringify(await stagingChecksums(staging, cap.db)), {
        timeout: 240_000,
        interval: 1000,
      })
      .toBe(JSON.stringify(await sourceChecksums(base, cap.db)));
    const { versions } = await buildOracle(base, cap.db, before, docs, logFile);
    const expected = await expectedFacts(base, cap.db, countryAtSaleTime(cap.db));
    await expectStarConverges(base, pool, star, expected, versions);
    await expect
      .poll(() => caughtUp(base, [cap.group, star.conformGroup, star.warehouseGroup]), {
        timeout: 240_000,
        interval: 1000,
      })
      .toBe(true);
    expect(alive()).toEqual([]);

    // Every poison record is dead-lettered exactly once by each stage reading raw topics, with its kind's
    // code; no good record is; the warehouse sink (conformed topics only) has none.
    const groups: Record<Exclude<Stage, 'warehouse'>, string> = {
      staging: cap.group,
      conform: star.conformGroup,
    };
    const letters: Record<string, KafkaMessage[]> = {};
    for (const [i, stage] of (['staging', 'conform'] as const).entries()) {
      const r = await readDeadLetters(kafka, dlqTopic(groups[stage]), readers[i]!);
      stops.push(r.stop);
      await expect
        .poll(() => r.letters.length, { timeout: 120_000, interval: 500 })
        .toBeGreaterThanOrEqual(POISON);
      letters[stage] = r.letters;
    }
    const wh = await readDeadLetters(kafka, dlqTopic(star.warehouseGroup), readers[2]!);
    stops.push(wh.stop);
    const byKind: Record<string, Record<string, number>> = {};
    for (const stage of ['staging', 'conform'] as const) {
      const found = new Map<string, KafkaMessage[]>();
      for (const m of letters[stage]!) {
        const k = `${header(m, 'starling.source.topic')}@${header(m, 'starling.source.offset')}`;
        found.set(k, [...(found.get(k) ?? []), m]);
      }
      const wrong: string[] = [];
      for (const p of poisons) {
        const got = found.get(`${p.topic}@${p.offset}`) ?? [];
        const want = stage === 'staging' ? p.staging : p.conform;
        const codes = got.map((m) => header(m, 'starling.error.code'));
        if (got.length !== 1 || codes[0] !== want)
          wrong.push(`${p.kind} ${p.table} @${p.offset}: want one ${want}, got [${codes.join(', ')}]`);
        else {
          expect(header(got[0]!, 'starling.error.message')).toBeTruthy();
          byKind[stage] ??= {};
          byKind[stage][`${p.kind}:${want}`] = (byKind[stage][`${p.kind}:${want}`] ?? 0) + 1;
        }
        found.delete(`${p.topic}@${p.offset}`);
      }
      expect(
        wrong.slice(0, 20),
        `${stage}: ${wrong.length} poison records without their one dead letter\n${processes.map((p) => `${p.label}: ${p.stderr.slice(-1500)}`).join('\n')}`,
      ).toEqual([]);
      expect([...found.keys()].slice(0, 20), `${stage}: good records dead-lettered`).toEqual([]);
      console.info(`${stage} dead letters by kind: ${JSON.stringify(byKind[stage])}`);
    }
    for (const k of [...KINDS.map((k) => k.name), 'near-limit'])
      expect(poisons.filter((p) => p.kind === k).length, `poison of kind ${k}`).toBeGreaterThan(0);
    // Near-limit letters are whole (the topic was raised, not the letter cut).
    const near = new Set(poisons.filter((p) => p.kind === 'near-limit').map((p) => `${p.topic}@${p.offset}`));
    for (const m of letters.staging!)
      if (near.has(`${header(m, 'starling.source.topic')}@${header(m, 'starling.source.offset')}`)) {
        expect(m.value!.length).toBe(rawLimit - 1024);
        expect(header(m, 'starling.value.truncated.from.bytes')).toBeUndefined();
      }
    expect(await maxMessageBytes(dlqTopic(cap.group))).toBe(DLQ_MAX_MESSAGE_BYTES);
    const retention = (
      await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: dlqTopic(cap.group) }],
      })
    ).resources[0]!.configEntries.find((e) => e.configName === 'retention.ms');
    expect(retention?.configValue).toBe('-1');
    expect(wh.letters).toEqual([]);

    // reconcile: clean, and it lists every key with dead letters (information), fresh keys as not in the source.
    const t1 = Date.now();
    let report = await reconcile(config);
    for (const until = Date.now() + 120_000; !report.clean && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 2000));
      report = await reconcile(config);
    }
    console.info(`reconcile: ${(Date.now() - t1) / 1000} s\n${formatReport(report).join('\n')}`);
    expect(report.clean, formatReport(report).join('\n')).toBe(true);
    const dl = report.deadLetters!;
    expect(dl.error).toBeUndefined();
    expect(dl.groups.sort()).toEqual([cap.group, star.conformGroup, star.warehouseGroup].sort());
    expect(dl.letters).toBe(2 * POISON);
    expect(dl.repeated).toBe(0);
    for (const table of ['sales_data', 'customers'] as const) {
      const listed = dl.tables.find((t) => t.table === `${cap.db}.${table}`)!;
      expect(listed, `${table} in the dead-letter listing`).toBeDefined();
      const mine = poisons.filter((p) => p.table === table);
      expect(listed.letters).toBe(2 * mine.length);
      const keys = new Map(listed.keys.map((k) => [k.key, k]));
      expect(listed.keyCount).toBe(new Set(mine.map((p) => p.keyText)).size);
      if (listed.keyCount <= listed.keys.length)
        for (const p of mine) {
          const k = keys.get(p.keyText);
          expect(k, `key ${p.keyText} listed`).toBeDefined();
          expect(k!.codes).toEqual(expect.arrayContaining([p.staging, p.conform]));
          expect(k!.groups.sort()).toEqual([cap.group, star.conformGroup].sort());
          if (p.fresh) expect(k!.inSource, `${p.keyText} is not in the source`).toBe(false);
        }
    }
    // Dead-lettered customer changes (conform stage) flag the facts of those customers.
    const customers = new Set(poisons.filter((p) => p.table === 'customers').map((p) => p.keyText));
    const affected = dl.affectedFacts.find((a) => a.dimension === 'DimCustomer' && a.fact === 'FactSales');
    expect(affected?.memberCount).toBe(customers.size);
    expect(affected!.count).toBeGreaterThan(0);
    expect(affected!.examples.length).toBeGreaterThan(0);

    expect(alive()).toEqual([]);
    for (const p of processes) {
      const end = await p.terminate();
      expect(end.code, `${p.label}: ${p.stderr}`).toBe(0);
    }
    console.info(`poison-records: ${(Date.now() - t0) / 1000} s in all`);
  }, 1_200_000);
});
