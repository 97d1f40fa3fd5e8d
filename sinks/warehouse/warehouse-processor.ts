import type { AvroCodec } from '../../core/codec/avro-codec.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { StarModel } from '../../schemas/model/types.js';
import { decodeRecord } from '../../streams/conform/avro-schemas.js';
import type { ConformedRecord } from '../../streams/conform/records.js';
import { BadRecordError } from '../envelope/types.js';
import { classifyDbError } from '../runtime/classify.js';
import type { DeadRecord } from '../runtime/dead-letters.js';
import { deadRecord, decodeBatch } from '../runtime/decode.js';
import { FatalError, withRetry } from '../runtime/retry.js';
import type { BatchContext, BatchProcessor } from '../runtime/sink-runner.js';
import type { WarehouseDialect } from './dialect.js';
import type { WarehouseWriter } from './writer.js';

/**
 * The warehouse sink's batch step: decode the conformed records of one partition of one model table and
 * apply them in ONE transaction (writer.ts). A batch the database rejects for a value (not an outage) is
 * applied record by record, and only the records it still rejects are dead-lettered.
 */
export class WarehouseProcessor implements BatchProcessor {
  /** The star changed since the reports were last refreshed. */
  dirty = false;

  constructor(
    private readonly model: StarModel,
    private readonly topicPrefix: string,
    private readonly codec: AvroCodec,
    private readonly dialect: WarehouseDialect,
    private readonly writer: WarehouseWriter,
    private readonly log: Logger,
    private readonly retryWindowMs: number,
  ) {}

  /** The model table a conformed topic carries. */
  tableOf(topic: string): string | undefined {
    const head = `${this.topicPrefix}.${this.model.name}.`;
    if (!topic.startsWith(head)) return undefined;
    const name = topic.slice(head.length);
    return this.model.dimensions.some((d) => d.name === name) || this.model.facts.some((f) => f.name === name)
      ? name
      : undefined;
  }

  async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: BatchContext,
  ): Promise<DeadRecord[]> {
    const where = { topic, partition };
    const table = this.tableOf(topic);
    if (!table) throw new FatalError(`topic ${topic} is not a conformed topic of model ${this.model.name}`);
    const retry = { windowMs: this.retryWindowMs, log: this.log, heartbeat: ctx.heartbeat };
    const decoded = await decodeBatch(this.codec, where, messages, retry, (_key, value) => {
      try {
        return decodeRecord(this.model, table, value.value);
      } catch (e) {
        throw new BadRecordError('CONFORMED_INVALID', (e as Error).message);
      }
    });
    const dead = decoded.dead;
    const records = decoded.items.map((i) => i.item);
    const write = (list: ConformedRecord[]) =>
      withRetry(() => this.dialect.transaction((tx) => this.writer.apply(tx, table, list)), {
        ...retry,
        what: `warehouse ${table}`,
      });
    try {
      if (records.length) await write(records);
    } catch (e) {
      if (e instanceof FatalError || classifyDbError(e) !== 'record') throw e;
      for (const { item, message } of decoded.items) {
        try {
          await write([item]);
        } catch (err) {
          if (err instanceof FatalError || classifyDbError(err) !== 'record') throw err;
          dead.push(deadRecord(where, message, 'write', err));
        }
      }
    }
    // Any table: a dimension batch re-points facts (a customer's late move changes their country).
    if (records.length) this.dirty = true;
    if (records.length)
      ctx.applied?.(
        table,
        records.reduce((m, r) => Math.max(m, r.sourceTsMs), 0),
      );
    return dead;
  }
}
