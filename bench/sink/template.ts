import { setTimeout as sleep } from 'node:timers/promises';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { type Admin, createConsumer, type Kafka } from '../../core/kafka/client.js';
import { connectMysql } from '../../seeds/db.js';
import { ensureSchema, SALES_DATA_DDL } from '../../seeds/schema.js';
import type { Capture } from '../../tests/support/capture.js';
import { coordinatesOf, type DebeziumTemplate, type EnvelopeEncoder, rowFromAvro } from './envelope.js';

/** One record as Debezium wrote it, raw and decoded. */
export interface RealRecord {
  key: Buffer;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  op: string;
  rowid: number;
  envelope: Record<string, unknown> | null;
}

export interface Learned {
  template: DebeziumTemplate;
  records: RealRecord[];
  /** What the registry's subjects say, against the ids in the bytes. */
  subjects: { key: number | undefined; value: number | undefined };
  wireFormat: string;
}

/**
 * Lets Debezium itself register the sales_data key and value schemas and write one record of each kind: a
 * snapshot read, inserts (with and without NULLs), an update, a delete and its tombstone. Everything the
 * generator needs (schemas, their ids, the source block, the headers) is read back from those records.
 */
export async function learnFromDebezium(
  base: StarlingConfig,
  cap: Capture,
  kafka: Kafka,
  admin: Admin,
  probeGroup: string,
  step: (line: string) => void,
): Promise<Learned> {
  const topic = cap.topic('sales_data');
  let conn = await connectMysql(base);
  try {
    await ensureSchema(conn, cap.db, [SALES_DATA_DDL]);
    await conn.query(
      "INSERT INTO sales_data VALUES (3, 1, 2, 1.00, 1, '2024-05-06 07:08:09', NULL)", // snapshot read
    );
  } finally {
    await conn.end();
  }
  await cap.start();
  await waitForRecords(admin, topic, 1, 'the snapshot of sales_data');
  conn = await connectMysql(base, cap.db);
  try {
    await conn.query(
      "INSERT INTO sales_data VALUES (1, 10, 20, 12.50, 3, '2024-05-06 07:08:09', '2024-05-06 07:08:09.123456')",
    );
    await conn.query("INSERT INTO sales_data VALUES (2, 11, 21, NULL, 4, '2024-05-06 07:08:10', NULL)");
    await conn.query('UPDATE sales_data SET price = 99.99, quantity = 7 WHERE rowid = 1');
    await conn.query('DELETE FROM sales_data WHERE rowid = 2');
  } finally {
    await conn.end();
  }
  await waitForRecords(admin, topic, 6, 'the changes of sales_data');
  step('Debezium wrote r, c, c, u, d and a tombstone; reading them back');

  const raw: Array<{ key: Buffer; value: Buffer | null; headers: Record<string, Buffer> }> = [];
  const consumer = createConsumer(kafka, { groupId: probeGroup });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${raw.length} of 6 records of ${topic}`)),
        60_000,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers: Record<string, Buffer> = {};
            for (const [k, v] of Object.entries(message.headers ?? {}))
              if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
            raw.push({ key: message.key!, value: message.value, headers });
            if (raw.length >= 6) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }

  for (const r of raw) {
    for (const b of [r.key, r.value]) {
      if (b && (b.length < 5 || b[0] !== 0))
        throw new Error(
          `Debezium's record does not start with magic byte 0 and a 4-byte id (first bytes ${b.subarray(0, 9).toString('hex')}); the converter settings changed`,
        );
    }
  }
  const codec = new AvroCodec(new RegistryClient(base.registry.ccompatUrl, base.registry.auth));
  const records: RealRecord[] = [];
  for (const r of raw) {
    const key = await codec.decode<{ rowid: number }>(r.key);
    const value = await codec.decode<Record<string, unknown>>(r.value);
    records.push({
      ...r,
      op: value ? String(value.value.op) : 'tombstone',
      rowid: key!.value.rowid,
      envelope: value?.value ?? null,
    });
  }
  const streamed = records.find((r) => r.op === 'c');
  if (!streamed) throw new Error('Debezium wrote no insert event');
  const keySchemaId = streamed.key.readUInt32BE(1);
  const valueSchemaId = streamed.value!.readUInt32BE(1);
  const registry = new RegistryClient(base.registry.ccompatUrl, base.registry.auth);
  const template: DebeziumTemplate = {
    keySchemaId,
    valueSchemaId,
    keySchema: await registry.schemaById(keySchemaId),
    valueSchema: await registry.schemaById(valueSchemaId),
    source: streamed.envelope!.source as Record<string, unknown>,
    headers: streamed.headers,
  };
  const subjectId = async (side: string) => {
    const res = await fetch(
      `${base.registry.ccompatUrl}/subjects/${encodeURIComponent(`${topic}-${side}`)}/versions/latest`,
      { signal: AbortSignal.timeout(10_000) },
    );
    return res.ok ? ((await res.json()) as { id: number }).id : undefined;
  };
  return {
    template,
    records,
    subjects: { key: await subjectId('key'), value: await subjectId('value') },
    wireFormat: 'magic byte 0 + 4-byte big-endian id + Avro body',
  };
}

async function waitForRecords(admin: Admin, topic: string, n: number, what: string): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    if ((await admin.listTopics()).includes(topic)) {
      const high = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
      if (high >= n) return;
    }
    if (performance.now() - t0 > 180_000) throw new Error(`Debezium did not write ${what} in 180 s`);
    await sleep(200);
  }
}

/**
 * Rebuilds each of Debezium's records from its decoded values with the generator's encoder and compares
 * the bytes: key, value (tombstones: none) and headers.
 */
export function selfCheck(
  encoder: EnvelopeEncoder,
  records: RealRecord[],
): { checked: number; identical: number; differences: string[] } {
  const differences: string[] = [];
  let identical = 0;
  for (const r of records) {
    const problems: string[] = [];
    if (!encoder.key(r.rowid).equals(r.key)) problems.push('key');
    if (r.envelope) {
      const env = r.envelope as {
        before: Record<string, unknown> | null;
        after: Record<string, unknown> | null;
      };
      const rebuilt = encoder.value(
        r.op,
        env.before && rowFromAvro(env.before),
        env.after && rowFromAvro(env.after),
        coordinatesOf(r.envelope as { source: Record<string, unknown> }),
      );
      if (!rebuilt.equals(r.value!)) problems.push(`value (${rebuilt.length} vs ${r.value!.length} bytes)`);
    } else if (r.value !== null) problems.push('tombstone value');
    const h = encoder.template.headers;
    const same =
      Object.keys(h).length === Object.keys(r.headers).length &&
      Object.entries(h).every(([k, v]) => r.headers[k]?.equals(v));
    if (!same) problems.push('headers');
    if (problems.length) differences.push(`${r.op} rowid ${r.rowid}: ${problems.join(', ')} differ`);
    else identical++;
  }
  return { checked: records.length, identical, differences };
}
