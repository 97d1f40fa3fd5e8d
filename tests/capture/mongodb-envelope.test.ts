import { afterAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { createConsumer, createKafka, createProducer } from '../../core/kafka/client.js';
import { publishCatalogSnapshot } from '../../seeds/catalog/standin.js';
import { mongoChange } from '../../sinks/envelope/mongodb.js';
import {
  type MongoEnvelope,
  type MongoKey,
  type MongoSource,
  mongoKeySchema,
  mongoTopic,
  mongoValueSchema,
} from '../../sinks/envelope/mongodb-schema.js';
import type { ChangeEvent } from '../../sinks/envelope/types.js';
import { dropTopicsUnder } from '../support/capture.js';
import { testConfig, uniqueName } from '../support/context.js';

// No MongoDB server can run here, so this feeds events in Debezium 3.6's exact MongoDB format (schemas,
// subjects, STRICT/RELAXED JSON texts, Confluent wire format) through the real Kafka and registry, and reads
// them back the way the staging sink will: AvroCodec, then mongoChange.
const config = testConfig();
const kafka = createKafka({ brokers: config.kafka.brokers });
const registry = new RegistryClient(config.registry.ccompatUrl);
const prefixes: string[] = [];
const newPrefix = (p: string) => {
  const prefix = uniqueName(p).replaceAll('_', '-'); // a '-' in the prefix exercises the Avro name adjustment
  prefixes.push(prefix);
  return prefix;
};

afterAll(async () => {
  await dropTopicsUnder(config, prefixes);
});

interface Read {
  offset: string;
  key: MongoKey | null;
  event: ChangeEvent | null;
  value: MongoEnvelope | null;
}

/** Reads `count` records of a topic from the beginning, decoded and mapped. */
async function readTopic(topic: string, count: number): Promise<Read[]> {
  const codec = new AvroCodec(registry);
  const consumer = createConsumer(kafka, { groupId: uniqueName('it-mongo-reader') });
  const out: Read[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = await codec.decode<MongoKey>(message.key);
        const value = await codec.decode<MongoEnvelope>(message.value);
        out.push({
          offset: message.offset,
          key: key?.value ?? null,
          value: value?.value ?? null,
          event: value ? mongoChange(key, value, message.offset) : null, // tombstones: the sink runtime's job
        });
      },
    });
    await expect.poll(() => out.length, { timeout: 60_000, interval: 200 }).toBe(count);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const OID = '6650a1b2c3d4e5f607182930';
const INSERTED =
  `{"_id": {"$oid": "${OID}"},"type": "laptop","model": "Zoë 🐦‍🔥","views": {"$numberLong": "9223372036854775807"},` +
  '"sold": {"$numberLong": "9007199254740993"},"price": {"$numberDecimal": "1999.990000000000000000000000000001"},' +
  '"launched": {"$date": 1718000000123},"specs": {"ram": 16,"screen": 15.6,"ports": ["usb-c","hdmi"]},"tags": []}';
const UPDATED =
  `{"_id": {"$oid": "${OID}"},"type": "laptop","model": "Zoë 🐦‍🔥","views": {"$numberLong": "9223372036854775807"},` +
  '"sold": {"$numberLong": "9007199254740994"},"price": {"$numberDecimal": "1899.99"},' +
  '"launched": {"$date": 1718000000123},"specs": {"ram": 32,"screen": 15.6,"ports": ["usb-c","hdmi"]},"tags": ["sale"]}';

describe('Debezium MongoDB events through the real Kafka and registry', () => {
  it('maps create, update with the full document, delete and tombstone with exact values', async () => {
    const prefix = newPrefix('it_mongo');
    const topic = mongoTopic(prefix, 'catalog', 'electronics');
    const keyId = await registry.register(`${topic}-key`, mongoKeySchema(prefix, 'catalog', 'electronics'));
    const valueId = await registry.register(
      `${topic}-value`,
      mongoValueSchema(prefix, 'catalog', 'electronics'),
    );
    // What the registry serves back is the schema Debezium would have registered.
    expect(JSON.parse(await registry.schemaById(valueId))).toEqual(
      mongoValueSchema(prefix, 'catalog', 'electronics'),
    );

    const source = (ts: bigint, ord: number): MongoSource => ({
      version: '3.6.1.Final',
      connector: 'mongodb',
      name: prefix,
      ts_ms: ts,
      snapshot: 'false',
      db: 'catalog',
      sequence: null,
      ts_us: ts * 1000n,
      ts_ns: ts * 1_000_000n,
      collection: 'electronics',
      ord,
      lsid: null,
      txnNumber: null,
      wallTime: ts,
    });
    const envelope = (
      op: string,
      ts: bigint,
      ord: number,
      over: Partial<MongoEnvelope> = {},
    ): MongoEnvelope => ({
      before: null,
      after: null,
      updateDescription: null,
      source: source(ts, ord),
      op,
      ts_ms: ts + 40n,
      transaction: null,
      ...over,
    });
    const key = { id: `{"$oid": "${OID}"}` };
    const codec = new AvroCodec(registry);
    const enc = async (id: number, v: unknown) => codec.encode(id, v);
    const messages = [
      {
        key: await enc(keyId, key),
        value: await enc(valueId, envelope('c', 1_718_000_000_500n, 1, { after: INSERTED })),
      },
      {
        key: await enc(keyId, key),
        value: await enc(
          valueId,
          envelope('u', 1_718_000_001_000n, 1, {
            after: UPDATED,
            updateDescription: {
              removedFields: null,
              updatedFields:
                '{"sold": 9007199254740994, "price": {"$numberDecimal": "1899.99"}, "specs.ram": 32, "tags": ["sale"]}',
              truncatedArrays: null,
            },
          }),
        ),
      },
      // A string _id and a numeric Int64 _id (RELAXED key JSON) in the same collection.
      {
        key: await enc(keyId, { id: '"SKU-1"' }),
        value: await enc(valueId, envelope('c', 1_718_000_001_000n, 2, { after: '{"_id": "SKU-1","n": 1}' })),
      },
      {
        key: await enc(keyId, { id: '9223372036854775806' }),
        value: await enc(
          valueId,
          envelope('c', 1_718_000_001_000n, 3, {
            after: '{"_id": {"$numberLong": "9223372036854775806"},"n": 2}',
          }),
        ),
      },
      { key: await enc(keyId, key), value: await enc(valueId, envelope('d', 1_718_000_002_000n, 1)) },
      { key: await enc(keyId, key), value: null },
    ];

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
    await admin.disconnect();
    const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const [c, u, s, l, d, tomb] = await readTopic(topic, 6);

    expect(c!.key).toEqual(key);
    expect(c!.event).toEqual({
      table: { namespace: 'catalog', name: 'electronics' },
      op: 'c',
      keyColumns: ['_id'],
      key: { _id: OID },
      row: {
        _id: OID,
        document:
          `{"_id":"${OID}","type":"laptop","model":"Zoë 🐦‍🔥","views":"9223372036854775807","sold":"9007199254740993",` +
          '"price":"1999.990000000000000000000000000001","launched":"2024-06-10T06:13:20.123Z",' +
          '"specs":{"ram":16,"screen":15.6,"ports":["usb-c","hdmi"]},"tags":[]}',
      },
      columns: [
        { name: '_id', kind: 'string', optional: false },
        { name: 'document', kind: 'json', optional: false },
      ],
      position: 'm:001718000000500:0000000001:00000000000000000000',
      sourceTsMs: 1_718_000_000_500,
    });
    expect(c!.value!.source.ts_ns).toBe(1_718_000_000_500_000_000n);

    expect(u!.event!.op).toBe('u');
    expect(JSON.parse(u!.event!.row!.document as string)).toMatchObject({
      sold: '9007199254740994',
      price: '1899.99',
      specs: { ram: 32 },
      tags: ['sale'],
    });
    expect(u!.value!.updateDescription!.updatedFields).toContain('9007199254740994');
    expect(u!.event!.position > c!.event!.position).toBe(true);

    expect(s!.event!.key).toEqual({ _id: 'SKU-1' });
    expect(s!.event!.row).toEqual({ _id: 'SKU-1', document: '{"_id":"SKU-1","n":1}' });
    expect(l!.event!.key).toEqual({ _id: '9223372036854775806' });
    expect(l!.event!.row).toEqual({
      _id: '9223372036854775806',
      document: '{"_id":"9223372036854775806","n":2}',
    });

    expect(d!.event).toMatchObject({ op: 'd', key: { _id: OID }, row: null });
    expect(d!.event!.position).toBe('m:001718000002000:0000000001:00000000000000000004');

    expect(tomb!.key).toEqual(key);
    expect(tomb!.value).toBeNull();
    expect(tomb!.offset).toBe('5');
  });

  it('the stand-in publishes a catalog snapshot that maps back to the documents', async () => {
    const prefix = newPrefix('it_mongo_standin');
    const docs = [
      { type: 'smart phone', model: 'platina', 'screen size': 5.5, product_id: 5600 },
      { type: 'smart phone', model: 'bn20', 'screen size': 6, product_id: 5601 },
      { type: 'laptop', model: 'xm23', 'screen size': 15.6, product_id: 5602 },
    ];
    const result = await publishCatalogSnapshot(docs, {
      topicPrefix: prefix,
      config,
      nowMs: 1_718_000_000_000,
    });
    expect(result.topic).toBe(`${prefix}.catalog.electronics`);
    expect(result.events).toBe(3);

    const reads = await readTopic(result.topic, 3);
    expect(reads.map((r) => r.value!.source.snapshot)).toEqual(['true', 'true', 'last']);
    expect(reads.map((r) => r.event!.op)).toEqual(['r', 'r', 'r']);
    expect(reads.map((r) => r.event!.key._id)).toEqual([
      '6592008000000000000015e0',
      '6592008000000000000015e1',
      '6592008000000000000015e2',
    ]);
    for (const [i, r] of reads.entries())
      expect(JSON.parse(r.event!.row!.document as string)).toEqual({ _id: r.event!.key._id, ...docs[i] });

    const admin = kafka.admin();
    await admin.connect();
    const [cfg] = (
      await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* TOPIC */, name: result.topic, configNames: ['retention.ms'] }],
      })
    ).resources;
    await admin.disconnect();
    expect(cfg!.configEntries.find((e) => e.configName === 'retention.ms')!.configValue).toBe('-1');
  });
});
