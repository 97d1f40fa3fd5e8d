import {
  type Admin,
  ensureTopic,
  type IHeaders,
  type KafkaMessage,
  type Producer,
} from '../../core/kafka/client.js';

export interface DeadRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
  stage: string;
  code: string;
  reason: string;
}

/** Dead-letter topics take records larger than their sources allow (an oversized record must fit). */
export const DLQ_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Headers set on a dead letter whose key or value had to be cut to fit the dead-letter topic (a source
 * topic allowing larger records than it): the original size in bytes. `starling dlq replay` refuses those.
 */
export const TRUNCATED_VALUE_HEADER = 'starling.value.truncated.from.bytes';
export const TRUNCATED_KEY_HEADER = 'starling.key.truncated.from.bytes';

/**
 * Room left for what a record costs besides its key, value and header bytes (record batch and record
 * framing, varints, timestamps): generous, since a record one byte over the limit is refused whole.
 */
export const RECORD_OVERHEAD_BYTES = 1024;

export function dlqTopic(group: string): string {
  return `dlq.${group}`;
}

/**
 * Header vocabulary after Kafka Connect's DeadLetterQueueReporter, under `starling.`: where the record came
 * from (topic, partition, offset), the stage that rejected it, a stable error code and the message.
 */
export function dlqHeaders(r: DeadRecord): IHeaders {
  return {
    ...(r.message.headers ?? {}),
    'starling.source.topic': r.topic,
    'starling.source.partition': String(r.partition),
    'starling.source.offset': r.message.offset,
    'starling.stage': r.stage,
    'starling.error.code': r.code,
    'starling.error.message': r.reason.slice(0, 2000),
  };
}

function headerBytes(headers: IHeaders): number {
  let n = 0;
  for (const [name, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      n += Buffer.byteLength(name) + 16;
      if (one !== undefined) n += Buffer.isBuffer(one) ? one.length : Buffer.byteLength(String(one));
    }
  }
  return n;
}

/**
 * The dead letter of a record: its original key and value with the dlqHeaders. When that would not fit a
 * dead-letter topic taking `maxBytes` per record, the value (then the key) is cut to fit and a header says
 * from how many bytes: the letter, its reason and its origin still reach the topic, and the stream goes on.
 */
export function deadLetterMessage(
  r: DeadRecord,
  maxBytes = DLQ_MAX_MESSAGE_BYTES,
): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  const headers = dlqHeaders(r);
  let key = r.message.key ?? null;
  let value = r.message.value ?? null;
  const size = () => (key?.length ?? 0) + (value?.length ?? 0) + headerBytes(headers) + RECORD_OVERHEAD_BYTES;
  if (size() <= maxBytes) return { key, value, headers };
  // The header announcing the cut takes room too: add it first, then cut to what is left.
  if (value !== null) {
    headers[TRUNCATED_VALUE_HEADER] = String(value.length);
    value = value.subarray(0, Math.max(0, value.length - (size() - maxBytes)));
  }
  if (key !== null && size() > maxBytes) {
    headers[TRUNCATED_KEY_HEADER] = String(key.length);
    key = key.subarray(0, Math.max(0, key.length - (size() - maxBytes)));
  }
  return { key, value, headers };
}

/** The record size each dead-letter topic takes, as ensureDlqTopic found or made it. */
const topicLimits = new Map<string, number>();

/**
 * Creates the dead-letter topic (no expiry, 16 MiB records) or, when it exists taking smaller records
 * (made by hand or by an older version), raises its max.message.bytes, keeping its other settings. Where
 * it cannot be raised (no ALTER_CONFIGS permission), letters are cut to the topic's limit instead.
 */
export async function ensureDlqTopic(admin: Admin, topic: string): Promise<void> {
  await ensureTopic(admin, topic, [
    { name: 'retention.ms', value: '-1' },
    { name: 'max.message.bytes', value: String(DLQ_MAX_MESSAGE_BYTES) },
  ]);
  topicLimits.set(topic, await raiseMaxMessageBytes(admin, topic));
}

const TOPIC_RESOURCE = 2;
const DYNAMIC_TOPIC_CONFIG = 1;

async function raiseMaxMessageBytes(admin: Admin, topic: string): Promise<number> {
  let entries: Array<{ configName: string; configValue: string; configSource?: number }>;
  try {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: TOPIC_RESOURCE, name: topic }],
    });
    entries = res.resources[0]?.configEntries ?? [];
  } catch {
    return DLQ_MAX_MESSAGE_BYTES; // not described: assume what Starling creates; sending will tell
  }
  const current = Number(entries.find((e) => e.configName === 'max.message.bytes')?.configValue);
  if (Number.isFinite(current) && current >= DLQ_MAX_MESSAGE_BYTES) return current;
  // AlterConfigs replaces the topic's whole override set: send the existing overrides with the new one.
  const overrides = entries
    .filter((e) => e.configSource === DYNAMIC_TOPIC_CONFIG && e.configName !== 'max.message.bytes')
    .map((e) => ({ name: e.configName, value: e.configValue }));
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC_RESOURCE,
          name: topic,
          configEntries: [...overrides, { name: 'max.message.bytes', value: String(DLQ_MAX_MESSAGE_BYTES) }],
        },
      ],
    });
    return DLQ_MAX_MESSAGE_BYTES;
  } catch {
    return Number.isFinite(current) && current > 0 ? current : DLQ_MAX_MESSAGE_BYTES;
  }
}

/**
 * Splits letters into sends that each fit the topic's limit: Kafka checks max.message.bytes against the
 * whole record batch of a partition in one request, so twenty 1 MB letters in one send would all be refused.
 */
export function chunkBySize<T extends { key: Buffer | null; value: Buffer | null; headers: IHeaders }>(
  messages: T[],
  maxBytes: number,
): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = RECORD_OVERHEAD_BYTES;
  for (const m of messages) {
    const n = (m.key?.length ?? 0) + (m.value?.length ?? 0) + headerBytes(m.headers) + 64;
    if (chunk.length > 0 && bytes + n > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = RECORD_OVERHEAD_BYTES;
    }
    chunk.push(m);
    bytes += n;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Source records this process has dead-lettered, remembered (the newest SENT_REMEMBERED of them) so that a
 * record read again after a rejoin or a rebalance (its offset was not committed yet) is not dead-lettered a
 * second time: the letter is in Kafka already. A restarted process starts empty; readers of the dead-letter
 * topic count a record once whatever the number of its letters (ops/reconcile).
 */
export const SENT_REMEMBERED = 100_000;
const sent = new Set<string>();

const sentKey = (topic: string, r: DeadRecord) =>
  JSON.stringify([topic, r.topic, r.partition, r.message.offset, r.stage, r.code]);

/** The records not dead-lettered by this process before (each batch's own repeats kept: they are distinct). */
export function notYetSent(topic: string, records: DeadRecord[]): DeadRecord[] {
  return records.filter((r) => !sent.has(sentKey(topic, r)));
}

export function rememberSent(topic: string, records: DeadRecord[]): void {
  for (const r of records) {
    const k = sentKey(topic, r);
    sent.delete(k);
    sent.add(k);
  }
  // A Set iterates in insertion order: the oldest go first.
  for (const k of sent) {
    if (sent.size <= SENT_REMEMBERED) break;
    sent.delete(k);
  }
}

/**
 * Writes dead letters with the original key and value (cut only where the topic could not take them), in
 * order, skipping records this process has dead-lettered already; resolves once Kafka has them all (acks=all).
 */
export async function sendDeadLetters(
  producer: Producer,
  topic: string,
  records: DeadRecord[],
): Promise<void> {
  const fresh = notYetSent(topic, records);
  if (!fresh.length) return;
  const limit = topicLimits.get(topic) ?? DLQ_MAX_MESSAGE_BYTES;
  const messages = fresh.map((r) => deadLetterMessage(r, limit));
  for (const chunk of chunkBySize(messages, limit)) await producer.send({ topic, acks: -1, messages: chunk });
  rememberSent(topic, fresh);
}
