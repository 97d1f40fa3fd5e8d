import type { AvroCodec } from '../../core/codec/avro-codec.js';
import { getOrInit } from '../../core/collections.js';
import { killPoint } from '../../core/faults/kill-points.js';
import type { KafkaMessage, Producer } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { StarModel } from '../../schemas/model/types.js';
import { mapChange } from '../../sinks/envelope/dispatch.js';
import { BadRecordError } from '../../sinks/envelope/types.js';
import type { SourceEpochs } from '../../sinks/epochs/source-epochs.js';
import type { DeadRecord } from '../../sinks/runtime/dead-letters.js';
import { deadRecord, decodeBatch } from '../../sinks/runtime/decode.js';
import { withRetry } from '../../sinks/runtime/retry.js';
import type { BatchProcessor, PreparedBatch } from '../../sinks/runtime/sink-runner.js';
import { encodeRecord } from './avro-schemas.js';
import type { ModelMapper } from './mapper.js';
import { type ConformedRecord, conformedTopic } from './records.js';

/** Bytes of keys and values per produce request (well under the broker's default 1 MB record batch). */
const MAX_REQUEST_BYTES = 512 * 1024;

type Message = { key: Buffer; value: Buffer };

/** Splits the messages into requests of at most `maxBytes`, keeping each topic's messages in order. */
export function boundedRequests(
  byTopic: ReadonlyMap<string, Message[]>,
  maxBytes: number,
): Array<Array<{ topic: string; messages: Message[] }>> {
  const requests: Array<Array<{ topic: string; messages: Message[] }>> = [];
  let current: Array<{ topic: string; messages: Message[] }> = [];
  let bytes = 0;
  for (const [topic, messages] of byTopic) {
    let slot: Message[] | undefined;
    for (const m of messages) {
      const size = m.key.length + m.value.length;
      if (bytes > 0 && bytes + size > maxBytes) {
        requests.push(current);
        current = [];
        bytes = 0;
        slot = undefined;
      }
      if (!slot) {
        slot = [];
        current.push({ topic, messages: slot });
      }
      slot.push(m);
      bytes += size;
    }
  }
  if (current.length) requests.push(current);
  return requests;
}

/** Schema ids of one conformed topic. */
export interface TopicSchemas {
  key: number;
  value: number;
}

/**
 * The conform step, on the sink runtime (offsets of the raw topics are committed only after the conformed
 * records of the batch are acknowledged by every in-sync replica): decode the raw Debezium events, map them
 * through the model, produce the conformed records in the batch's order. A record the model cannot take
 * (a value that does not fit its column, a missing event time) is dead-lettered with its reason.
 *
 * Stateless: a crash redelivers the batch, producing its records again; the warehouse's position guards
 * make the repeats harmless. Instances share the raw partitions as consumer-group members.
 */
export class ConformProcessor implements BatchProcessor {
  constructor(
    private readonly model: StarModel,
    private readonly mapper: ModelMapper,
    private readonly codec: AvroCodec,
    private readonly producer: Producer,
    private readonly schemas: ReadonlyMap<string, TopicSchemas>,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly retryWindowMs: number,
    /** Source epochs of the raw partitions: the positions the warehouse guards by carry them. */
    private readonly epochs?: SourceEpochs,
  ) {}

  async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: { heartbeat: () => Promise<void> },
  ): Promise<DeadRecord[]> {
    return (await this.prepare(topic, partition, messages, ctx)).write();
  }

  /**
   * Decoding, mapping and encoding (no Kafka I/O but the registry's cached schemas): the runner does this for
   * the next batch while the previous one is produced. write() produces in order, then reports the dead.
   */
  async prepare(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: { heartbeat: () => Promise<void> },
  ): Promise<PreparedBatch> {
    const where = { topic, partition };
    const retry = { windowMs: this.retryWindowMs, log: this.log, heartbeat: ctx.heartbeat };
    // The batch's turn is taken before any await: epochs are assigned in the order batches arrive.
    const epochTurn = this.epochs?.turn(topic, partition);
    const changes = await decodeBatch(this.codec, where, messages, retry, (key, value, m) =>
      mapChange(key, value, m.offset),
    ).catch((e: unknown) => {
      epochTurn?.cancel();
      throw e;
    });
    // Epochs before the model: the conformed records carry the epoch'd position (as staging computes it).
    const persistEpochs = await epochTurn?.assign(
      messages[0]?.offset ?? '0',
      changes.items.map((i) => ({ event: i.item, offset: i.message.offset })),
    );
    const dead = changes.dead;
    const byTopic = new Map<string, Message[]>();
    for (const { item: change, message } of changes.items) {
      let records: ConformedRecord[];
      try {
        records = this.mapper.map(change);
      } catch (e) {
        if (!(e instanceof BadRecordError)) throw e;
        dead.push(deadRecord(where, message, 'map', e));
        continue;
      }
      let encoded: Array<{ topic: string; key: Buffer; value: Buffer }>;
      try {
        encoded = await Promise.all(records.map((r) => this.encode(r)));
      } catch (e) {
        dead.push(deadRecord(where, message, 'encode', e));
        continue;
      }
      for (const e of encoded) {
        const list = getOrInit(byTopic, e.topic, () => []);
        list.push({ key: e.key, value: e.value });
      }
    }
    return {
      write: async () => {
        // In requests of bounded size: the broker refuses a record batch above message.max.bytes (1 MB by
        // default), which one request of a whole replayed partition batch would exceed. Per topic, order is
        // kept.
        for (const request of boundedRequests(byTopic, MAX_REQUEST_BYTES)) {
          await withRetry(() => this.producer.sendBatch({ acks: -1, topicMessages: request }), {
            ...retry,
            what: 'produce conformed records',
          });
          killPoint('produce-request');
        }
        // Before the runner commits the batch's offsets (see SourceEpochs).
        await persistEpochs?.();
        return dead;
      },
    };
  }

  private async encode(r: ConformedRecord): Promise<{ topic: string; key: Buffer; value: Buffer }> {
    const topic = conformedTopic(this.prefix, this.model.name, r.table);
    const ids = this.schemas.get(r.table);
    if (!ids) throw new Error(`no registered schemas for ${r.table}`);
    const { key, value } = encodeRecord(this.model, r);
    return {
      topic,
      key: await this.codec.encode(ids.key, key),
      value: await this.codec.encode(ids.value, value),
    };
  }
}
