import { type BinlogCoordinates, compareCoordinates, MAX_EPOCH } from './position.js';

/**
 * Source epoch detection for one raw topic-partition (pure: no I/O).
 *
 * Debezium writes one partition in binlog order, so the coordinates of NEW records (offsets beyond the
 * highest this partition has seen) never decrease, with two exceptions:
 * - a re-send: after Kafka Connect restarts a task, Debezium emits again the events after its last committed
 *   source offset (at-least-once). Those events were seen before, so their commit time is not newer than the
 *   newest seen; the position guards settle them, and they must NOT start an epoch (an epoch orders after
 *   everything, so a false one would let replayed older images win over newer rows);
 * - a restart of the source's coordinates (RESET MASTER, a rebuilt server, a failover): lower coordinates
 *   on a change committed after everything seen, or a new snapshot (a snapshot reads the current rows, so a
 *   lower snapshot position can only mean the coordinates restarted).
 * A restart starts a new epoch at that record's offset. The epochs of a partition form an append-only list
 * of start offsets, so a record's epoch is a function of its offset alone: replays, redeliveries and every
 * stage (staging sink, conform processors, any instance) compute the same epochs from the same records.
 *
 * Known gap: a restart whose first changes carry the same whole second (MariaDB's commit time resolution) as
 * the newest change seen, and lower coordinates, cannot be told from a re-send; those changes keep the old
 * epoch (the guards then reject them) until the next second's change starts the epoch. The guard alarm
 * (guardAlarm) reports such batches loudly.
 */

export interface EpochStart {
  topic: string;
  partition: number;
  epoch: number;
  startOffset: bigint;
  /** The highest coordinates (and their newest commit time) of the epoch before. */
  before: BinlogCoordinates & { tsMs: number };
  /** The first record of the epoch. */
  after: BinlogCoordinates & { tsMs: number };
}

/** What detection needs to go on after `offset`: the current epoch's highest coordinates and commit time. */
export interface HighWater {
  offset: bigint;
  epoch: number;
  coords: BinlogCoordinates;
  tsMs: number;
}

export interface Observed {
  offset: bigint;
  coords: BinlogCoordinates;
  tsMs: number;
  op: string;
}

export interface Observation {
  /** The epoch of each observed record, in order. */
  epochs: number[];
  /** Epochs this observation started (not those already listed). */
  started: EpochStart[];
  /** New records (beyond the high-water) and, of those, the ones below the current epoch's coordinates. */
  fresh: number;
  stale: number;
}

export class PartitionEpochs {
  private readonly starts: EpochStart[];

  constructor(
    readonly topic: string,
    readonly partition: number,
    starts: readonly EpochStart[] = [],
    private highWater: HighWater | undefined = undefined,
  ) {
    this.starts = [...starts].sort((a, b) => (a.startOffset < b.startOffset ? -1 : 1));
  }

  get high(): HighWater | undefined {
    return this.highWater === undefined ? undefined : { ...this.highWater };
  }

  get list(): readonly EpochStart[] {
    return this.starts;
  }

  /** The epoch of the record at `offset` by the list (0 before the first start). */
  epochAt(offset: bigint): number {
    let epoch = 0;
    for (const s of this.starts) {
      if (s.startOffset > offset) break;
      epoch = s.epoch;
    }
    return epoch;
  }

  /** Assigns epochs to a batch of this partition's records, in offset order, detecting restarts. */
  observe(records: readonly Observed[]): Observation {
    const out: Observation = { epochs: [], started: [], fresh: 0, stale: 0 };
    for (const r of records) {
      const hw = this.highWater;
      if (hw !== undefined && r.offset <= hw.offset) {
        out.epochs.push(this.epochAt(r.offset)); // history: the list decides
        continue;
      }
      out.fresh++;
      const listed = this.epochAt(r.offset);
      if (hw === undefined || listed > hw.epoch) {
        // First record of this stage, or an epoch another stage already found here: take the list's.
        this.highWater = { offset: r.offset, epoch: listed, coords: r.coords, tsMs: r.tsMs };
        out.epochs.push(listed);
        continue;
      }
      const cmp = compareCoordinates(r.coords, hw.coords);
      if (cmp < 0 && (r.op === 'r' || r.tsMs > hw.tsMs)) {
        const existing = this.starts.find((s) => s.startOffset === r.offset);
        const epoch = existing?.epoch ?? hw.epoch + 1;
        if (epoch > MAX_EPOCH) throw new RangeError(`source epoch ${epoch} exceeds ${MAX_EPOCH}`);
        if (!existing) {
          const start: EpochStart = {
            topic: this.topic,
            partition: this.partition,
            epoch,
            startOffset: r.offset,
            before: { ...hw.coords, tsMs: hw.tsMs },
            after: { ...r.coords, tsMs: r.tsMs },
          };
          this.starts.push(start);
          out.started.push(start);
        }
        this.highWater = { offset: r.offset, epoch, coords: r.coords, tsMs: r.tsMs };
        out.epochs.push(epoch);
      } else if (cmp < 0) {
        out.stale++;
        this.highWater = { ...hw, offset: r.offset };
        out.epochs.push(hw.epoch);
      } else {
        this.highWater = {
          offset: r.offset,
          epoch: hw.epoch,
          coords: r.coords,
          tsMs: Math.max(hw.tsMs, r.tsMs),
        };
        out.epochs.push(hw.epoch);
      }
    }
    return out;
  }
}

/**
 * Whether a batch looks like the position guard rejecting everything: nearly all of its new records carry
 * coordinates below what was already written in the current epoch. After a Kafka Connect restart that is a
 * harmless re-send; otherwise the source's coordinates went back without being detected as a restart (a
 * server clock set back, a same-second restart), and the guards are dropping changes: an operator must look.
 */
export function guardAlarm(o: Pick<Observation, 'fresh' | 'stale'>, minRecords = 20, ratio = 0.9): boolean {
  return o.fresh >= minRecords && o.stale >= o.fresh * ratio;
}
