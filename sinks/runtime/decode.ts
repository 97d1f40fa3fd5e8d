import { type AvroCodec, CodecError, type Decoded } from '../../core/codec/avro-codec.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import { BadRecordError } from '../envelope/types.js';
import type { DeadRecord } from './dead-letters.js';
import { type RetryOptions, withRetry } from './retry.js';

/**
 * Decodes the key and value of each message of a batch: synchronously when the schema is known (nearly
 * always), else fetched from the registry, retrying an outage within the retry window. A record that cannot
 * be decoded, or that `map` rejects with a BadRecordError, becomes a dead letter of this stage; a null value
 * (a tombstone) is skipped. Any other error propagates (the runtime classifies it).
 */
export async function decodeBatch<T>(
  codec: AvroCodec,
  where: { topic: string; partition: number },
  messages: KafkaMessage[],
  retry: Omit<RetryOptions, 'what'>,
  map: (
    key: Decoded<Record<string, unknown>> | null,
    value: Decoded<Record<string, unknown>>,
    message: KafkaMessage,
  ) => T,
): Promise<{ items: Array<{ item: T; message: KafkaMessage }>; dead: DeadRecord[] }> {
  const dead: DeadRecord[] = [];
  const items: Array<{ item: T; message: KafkaMessage }> = [];
  const decode = (buf: Buffer | null) => {
    const cached = codec.decodeCached<Record<string, unknown>>(buf);
    if (cached !== undefined) return cached;
    return withRetry(() => codec.decode<Record<string, unknown>>(buf), { ...retry, what: 'schema registry' });
  };
  for (const m of messages) {
    let stage = 'decode';
    try {
      // No await on the hot path (a known schema decodes synchronously): an await per record costs.
      const v = decode(m.value);
      const value = v instanceof Promise ? await v : v;
      if (!value) continue; // a tombstone: the delete event before it did the work
      const k = decode(m.key);
      const key = k instanceof Promise ? await k : k;
      stage = 'map';
      items.push({ item: map(key, value, m), message: m });
    } catch (e) {
      if (!(e instanceof CodecError || e instanceof BadRecordError)) throw e;
      dead.push(deadRecord(where, m, e instanceof CodecError ? 'decode' : stage, e));
    }
  }
  return { items, dead };
}

/** A dead letter for a record rejected at `stage` (its code and message from the error). */
export function deadRecord(
  where: { topic: string; partition: number },
  message: KafkaMessage,
  stage: string,
  e: unknown,
): DeadRecord {
  const err = e as { code?: string; message?: string };
  return {
    topic: where.topic,
    partition: where.partition,
    message,
    stage,
    code: err.code ?? 'UNKNOWN',
    reason: err.message ?? String(e),
  };
}
