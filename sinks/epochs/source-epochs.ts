import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka, type Kafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { ChangeEvent } from '../envelope/types.js';
import { withRetry } from '../runtime/retry.js';
import { guardAlarm, type HighWater, type Observed, PartitionEpochs } from './detect.js';
import { formatCoordinates, parseBinlogPosition, withEpoch } from './position.js';
import { reportBatch, reportEpoch } from './report.js';
import { EpochStore, partitionKey, type StoredEpochs } from './store.js';

/**
 * Source epochs for one stage (a consumer group over raw topics): gives every MariaDB/MySQL change the
 * epoch of its offset (sinks/epochs/detect.ts) and rewrites its position with it, so the position guards of
 * staging and the warehouse order changes after a coordinate restart after everything before it, instead of
 * silently rejecting them.
 *
 * Durability (the contract with the batch processors): assign() runs when a batch is prepared, starts saving
 * the epochs it started and the high-water at its end, and returns a `persist` step that waits for that save;
 * the processor awaits it in the batch's write, before returning, so the runner commits the batch's offsets
 * only after the store has them. A crash before the save redelivers the batch and detection finds the same
 * epochs again (it is deterministic); a crash after it and before the offset commit redelivers offsets at or
 * below the stored high-water, whose epochs come from the stored list. Either way a record gets the same
 * epoch.
 *
 * The state of a partition is loaded from the store at the first batch, and again whenever a batch does not
 * follow the last one this process saw (the partition was with another instance meanwhile, or the group's
 * offsets were moved).
 */
export class SourceEpochs {
  private readonly store: EpochStoreLike;
  private ready: Promise<StoredEpochs> | undefined;
  private readonly partitions = new Map<string, PartitionEpochs>();
  private readonly savedHigh = new Map<string, bigint>();
  /** Per partition, the end of the last turn handed out. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    kafka: Kafka | undefined,
    private readonly o: {
      prefix: string;
      group: string;
      log: Logger;
      store?: EpochStoreLike;
      /** How long Kafka may be away for a save or a load before the stage gives up (default 10 min). */
      retryWindowMs?: number;
    },
  ) {
    this.store = o.store ?? new EpochStore(kafka!, o.prefix, o.group);
  }

  private connected: Promise<void> | undefined;
  private loadedAt = 0;

  /** The store's content: read once, and again on `reload`. A failure is tried again by the next batch. */
  private stored(reload: boolean): Promise<StoredEpochs> {
    if (this.ready && !reload) return this.ready;
    const retry = { what: 'read source epochs', windowMs: this.o.retryWindowMs ?? 600_000, log: this.o.log };
    this.connected ??= withRetry(() => this.store.connect(), retry);
    const connecting = this.connected;
    const loading = connecting.then(async () => {
      const s = await withRetry(() => this.store.load(), retry);
      this.loadedAt = Date.now();
      return s;
    });
    this.ready = loading;
    loading.catch(() => {
      if (this.ready === loading) this.ready = undefined;
      if (this.connected === connecting) this.connected = undefined;
    });
    return loading;
  }

  /**
   * Takes this batch's turn on its partition; call it when the batch is handed over, before any await. The
   * runner prepares the next batch while the previous one is still being prepared (decoding may wait for the
   * registry), so without turns a later batch could be observed first: detection must see a partition's
   * records in offset order. Each turn ends with assign() or cancel() (a batch that failed before it).
   */
  turn(topic: string, partition: number): EpochTurn {
    const key = partitionKey(topic, partition);
    const previous = this.turns.get(key) ?? Promise.resolve();
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.turns.set(key, mine);
    return {
      assign: async (firstOffset, items) => {
        await previous;
        try {
          return await this.assign(topic, partition, firstOffset, items);
        } finally {
          done();
        }
      },
      cancel: () => {
        void previous.then(done);
      },
    };
  }

  /**
   * Assigns epochs to one batch's changes (in offset order; `firstOffset` is the batch's first record, a
   * tombstone or a dead letter included) and rewrites their positions. Returns the step that waits until
   * what the batch learned is saved; await it before the batch's offsets are committed.
   */
  private async assign(
    topic: string,
    partition: number,
    firstOffset: string,
    items: ReadonlyArray<{ event: ChangeEvent; offset: string }>,
  ): Promise<() => Promise<void>> {
    const key = partitionKey(topic, partition);
    let p = this.partitions.get(key);
    const first = BigInt(firstOffset);
    const high = p?.high;
    if (!p || (high !== undefined && first > high.offset + 1n)) {
      // A batch that does not follow what this process saw: the store knows better (another instance had the
      // partition). A partition new to this process reloads too when the store read at start is behind it,
      // unless that read is fresh (many partitions assigned at once share one read).
      let s = await this.stored(p !== undefined);
      const h = s.highs.get(key);
      if (p === undefined && first > (h?.offset ?? -1n) + 1n && Date.now() - this.loadedAt > 5000)
        s = await this.stored(true);
      p = new PartitionEpochs(
        topic,
        partition,
        s.starts.filter((e) => e.topic === topic && e.partition === partition),
        s.highs.get(key),
      );
      this.partitions.set(key, p);
    }
    const relational: Array<{ event: ChangeEvent; observed: Observed }> = [];
    for (const { event, offset } of items) {
      const parsed = parseBinlogPosition(event.position);
      if (!parsed) continue; // not a binlog position (MongoDB): no coordinates to restart
      relational.push({
        event,
        observed: { offset: BigInt(offset), coords: parsed.coords, tsMs: event.sourceTsMs, op: event.op },
      });
    }
    if (relational.length === 0) return async () => undefined;
    const o = p.observe(relational.map((r) => r.observed));
    relational.forEach((r, i) => {
      r.event.position = withEpoch(r.event.position, o.epochs[i]!);
    });
    const source = relational[0]!.event.table.namespace;
    for (const s of o.started) {
      const what = `source ${this.o.prefix}/${source}: binlog coordinates restarted at ${topic} partition ${partition} offset ${s.startOffset} (from ${formatCoordinates(s.before)} to ${formatCoordinates(s.after)}): epoch ${s.epoch} starts there, its changes order after every earlier one`;
      this.o.log.error(
        `${what}. Was it RESET MASTER, a rebuilt server or a failover? Check with \`starling reconcile\` once the new snapshot is in.`,
        {
          source: `${this.o.prefix}/${source}`,
          topic,
          partition,
          offset: String(s.startOffset),
          epoch: s.epoch,
          before: formatCoordinates(s.before),
          after: formatCoordinates(s.after),
        },
      );
      reportEpoch(this.o.group, topic, partition, s.epoch, what);
    }
    let alarm: string | undefined;
    if (guardAlarm(o)) {
      const hw = p.high!;
      alarm = `${o.stale} of ${o.fresh} new records of ${topic} partition ${partition} (offsets ${relational[0]!.observed.offset}..${relational[relational.length - 1]!.observed.offset}) carry binlog coordinates below ${formatCoordinates(hw.coords)}, already written in epoch ${hw.epoch}: the position guards reject them`;
      this.o.log.error(
        `position guard alarm: ${alarm}. Harmless if Kafka Connect just restarted (Debezium re-sends); otherwise the source's coordinates went back undetected (a server clock set back?) and these changes are being dropped: run \`starling reconcile\`.`,
        { source: `${this.o.prefix}/${source}`, topic, partition, stale: o.stale, fresh: o.fresh },
      );
    }
    reportBatch(this.o.group, topic, partition, o.epochs[o.epochs.length - 1]!, alarm);
    const started = o.started;
    const after: HighWater | undefined = p.high;
    const saved = this.savedHigh.get(key);
    // Only forward: a redelivered batch below the saved high-water has nothing new to say.
    if (after === undefined || (started.length === 0 && saved !== undefined && after.offset <= saved))
      return async () => undefined;
    if (saved === undefined || after.offset > saved) this.savedHigh.set(key, after.offset);
    // Sent now, overlapping the batch's write: persisting before the write is as safe as after it (records
    // redelivered at or below the high-water take their epochs from the list, which is saved with it, in
    // the same request); what matters is that it is durable before the offsets are committed, which the
    // returned step awaits. One producer sends in call order, so a partition's high-water never goes back.
    // A broker restart is waited out (retry window); only a save that keeps failing stops the stage.
    const saving = withRetry(() => this.store.save(started, [{ topic, partition, high: after }]), {
      what: 'save source epochs',
      windowMs: this.o.retryWindowMs ?? 600_000,
      log: this.o.log,
    });
    saving.catch(() => undefined); // awaited (and its failure raised) by the returned step
    // A failed save fails the batch's write: the stage stops before committing, and detection after the
    // restart finds the same epochs again.
    return () => saving;
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

export type EpochStoreLike = Pick<EpochStore, 'connect' | 'load' | 'save' | 'close'>;

export interface EpochTurn {
  /** SourceEpochs.assign, in this batch's turn. */
  assign(
    firstOffset: string,
    items: ReadonlyArray<{ event: ChangeEvent; offset: string }>,
  ): Promise<() => Promise<void>>;
  /** Gives the turn up (the batch failed before its epochs were assigned). */
  cancel(): void;
}

/** The source epochs of a stage, on the configured cluster. */
export function sourceEpochs(config: StarlingConfig, group: string, log: Logger): SourceEpochs {
  return new SourceEpochs(createKafka(kafkaOptionsFrom(config, { clientId: `starling-${group}-epochs` })), {
    prefix: config.topics.prefix,
    group,
    log: log.child({ stage: 'source-epochs' }),
    retryWindowMs: config.staging.retryWindowMs,
  });
}
