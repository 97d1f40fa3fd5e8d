import type { AvroCodec } from '../../core/codec/avro-codec.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { StagingDialect } from '../dialect.js';
import { mapChange } from '../envelope/dispatch.js';
import { BadRecordError, type ChangeEvent, type ColumnSpec } from '../envelope/types.js';
import type { SourceEpochs } from '../epochs/source-epochs.js';
import { classifyDbError } from '../runtime/classify.js';
import type { DeadRecord } from '../runtime/dead-letters.js';
import { deadRecord, decodeBatch } from '../runtime/decode.js';
import { reduceBatch } from '../runtime/reduce.js';
import { FatalError, withRetry } from '../runtime/retry.js';
import type { BatchContext, BatchProcessor, PreparedBatch } from '../runtime/sink-runner.js';

/**
 * The staging sink's batch step: decode -> map to changes -> prepare tables (schema follows the source)
 * -> reduce to the newest change per key -> one guarded write per table. A bad record is dead-lettered
 * with its reason; every other record of the batch still lands.
 */
export class StagingProcessor implements BatchProcessor {
  constructor(
    private readonly codec: AvroCodec,
    private readonly dialect: StagingDialect,
    private readonly log: Logger,
    private readonly retryWindowMs: number,
    /** Source epochs of the group's raw partitions (positions after a binlog coordinate restart). */
    private readonly epochs?: SourceEpochs,
  ) {}

  async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: BatchContext,
  ): Promise<DeadRecord[]> {
    return (await this.prepare(topic, partition, messages, ctx)).write();
  }

  /** Decoding and mapping (no database); the write, with the schema steps, comes after the previous batch's. */
  async prepare(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: BatchContext,
  ): Promise<PreparedBatch> {
    const where = { topic, partition };
    const retry = { windowMs: this.retryWindowMs, log: this.log, heartbeat: ctx.heartbeat };
    // The batch's turn is taken before any await: epochs are assigned in the order batches arrive.
    const epochTurn = this.epochs?.turn(topic, partition);
    const decoded = await decodeBatch(this.codec, where, messages, retry, (key, value, m) =>
      mapChange(key, value, m.offset),
    ).catch((e: unknown) => {
      epochTurn?.cancel();
      throw e;
    });
    const persistEpochs = await epochTurn?.assign(
      messages[0]?.offset ?? '0',
      decoded.items.map((i) => ({ event: i.item, offset: i.message.offset })),
    );
    return {
      write: async () => {
        const dead = await this.write(where, decoded, ctx, retry);
        // Before the runner commits the batch's offsets (see SourceEpochs).
        await persistEpochs?.();
        return dead;
      },
    };
  }

  private async write(
    where: { topic: string; partition: number },
    decoded: Awaited<ReturnType<typeof decodeBatch<ChangeEvent>>>,
    ctx: BatchContext,
    retry: { windowMs: number; log: Logger; heartbeat: () => Promise<void> },
  ): Promise<DeadRecord[]> {
    const dead = decoded.dead;
    const reject = (message: KafkaMessage, stage: string, e: unknown) =>
      dead.push(deadRecord(where, message, stage, e));
    const source = new Map<ChangeEvent, KafkaMessage>();
    const events: ChangeEvent[] = [];
    for (const { item, message } of decoded.items) {
      events.push(item);
      source.set(item, message);
    }

    // Schema: each version is reconciled once (the dialect caches it); one that cannot be applied safely
    // is dead-lettered, and the table keeps taking the versions it can.
    const verdict = new Map<ColumnSpec[], unknown>();
    const good: ChangeEvent[] = [];
    for (const e of events) {
      if (!verdict.has(e.columns)) {
        try {
          await withRetry(() => this.dialect.prepare(e.table, e.keyColumns, e.columns), {
            ...retry,
            what: 'staging DDL',
          });
          verdict.set(e.columns, undefined);
        } catch (err) {
          if (!(err instanceof BadRecordError)) throw err;
          verdict.set(e.columns, err);
        }
      }
      const bad = verdict.get(e.columns);
      if (bad) reject(source.get(e)!, 'schema', bad);
      else good.push(e);
    }

    for (const list of reduceBatch(good).values()) {
      const table = list[0]!.table;
      const newest = list.reduce((m, e) => Math.max(m, e.sourceTsMs), 0);
      try {
        await withRetry(() => this.dialect.apply(table, list), {
          ...retry,
          what: `write ${table.namespace}.${table.name}`,
        });
      } catch (e) {
        if (e instanceof FatalError || classifyDbError(e) !== 'record') throw e;
        // One bad value fails the whole statement: find it by writing the changes one at a time.
        for (const one of list) {
          try {
            await withRetry(() => this.dialect.apply(table, [one]), {
              ...retry,
              what: `write ${table.namespace}.${table.name}`,
            });
          } catch (err) {
            if (err instanceof FatalError || classifyDbError(err) !== 'record') throw err;
            reject(source.get(one)!, 'write', err);
          }
        }
      }
      ctx.applied?.(`${table.namespace}.${table.name}`, newest);
    }
    return dead;
  }
}
