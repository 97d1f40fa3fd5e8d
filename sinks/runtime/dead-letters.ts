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

export async function ensureDlqTopic(admin: Admin, topic: string): Promise<void> {
  await ensureTopic(admin, topic, [
    { name: 'retention.ms', value: '-1' },
    { name: 'max.message.bytes', value: String(DLQ_MAX_MESSAGE_BYTES) },
  ]);
}

/** Writes dead letters with the original key and value; resolves only once Kafka has them (acks=all). */
export async function sendDeadLetters(
  producer: Producer,
  topic: string,
  records: DeadRecord[],
): Promise<void> {
  if (!records.length) return;
  await producer.send({
    topic,
    acks: -1,
    messages: records.map((r) => ({ key: r.message.key, value: r.message.value, headers: dlqHeaders(r) })),
  });
}
