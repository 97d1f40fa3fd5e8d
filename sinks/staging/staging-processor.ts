import { type AvroCodec, CodecError } from '../../core/codec/avro-codec.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { StagingDialect } from '../dialect.js';
import { mapChange } from '../envelope/dispatch.js';
import { BadRecordError, type ChangeEvent, type ColumnSpec } from '../envelope/types.js';
import { classifyDbError } from '../runtime/classify.js';
import type { DeadRecord } from '../runtime/dead-letters.js';
import { reduceBatch } from '../runtime/reduce.js';
import { FatalError, type RetryOptions, withRetry } from '../runtime/retry.js';
import type { BatchProcessor } from '../runtime/sink-runner.js';

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
  ) {}

  /** Synchronous when the schema is known (nearly always); otherwise fetched, retrying a registry outage. */
  private decode(buf: Buffer | null, retry: Omit<RetryOptions, 'what'>) {
    const cached = this.codec.decodeCached<Record<string, unknown>>(buf);
    if (cached !== undefined) return cached;
    return withRetry(() => this.codec.decode<Record<string, unknown>>(buf), {
      ...retry,
      what: 'schema registry',
    });
  }

  async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: { heartbeat: () => Promise<void> },
  ): Promise<DeadRecord[]> {
    const dead: DeadRecord[] = [];
    const reject = (message: KafkaMessage, stage: string, e: unknown) => {
      const err = e as { code?: string; message?: string };
      dead.push({
        topic,
        partition,
        message,
        stage,
        code: err.code ?? 'UNKNOWN',
        reason: err.message ?? String(e),
      });
    };
    const retry = { windowMs: this.retryWindowMs, log: this.log, heartbeat: ctx.heartbeat };
    const source = new Map<ChangeEvent, KafkaMessage>();
    const events: ChangeEvent[] = [];
    for (const m of messages) {
      try {
        const cachedValue = this.codec.decodeCached<Record<string, unknown>>(m.value);
        const value = cachedValue !== undefined ? cachedValue : await this.decode(m.value, retry);
        if (!value) continue; // a tombstone: the delete event before it did the work
        const cachedKey = this.codec.decodeCached<Record<string, unknown>>(m.key);
        const key = cachedKey !== undefined ? cachedKey : await this.decode(m.key, retry);
        const e = mapChange(key, value, m.offset);
        events.push(e);
        source.set(e, m);
      } catch (e) {
        if (e instanceof CodecError || e instanceof BadRecordError)
          reject(m, e instanceof CodecError ? 'decode' : 'map', e);
        else throw e;
      }
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
    }
    return dead;
  }
}
