import { Prng } from '../../seeds/prng.js';

/**
 * The change stream of the sink benchmark, planned without Kafka or a database: a deterministic sequence of
 * sales_data changes over a fixed key space, and the table it leaves behind.
 *
 * - A change is an insert of a new key (80%), an update of a live key (15%) or a delete of a live key (5%).
 *   An insert with no free key left becomes an update; an update or delete with no live key, an insert.
 * - New keys are taken in ascending order (as AUTO_INCREMENT would), and a deleted key becomes free again
 *   after every never-used key, so a key space smaller than the inserts recycles keys.
 * - Rowid K+1 is the sentinel's: inserted by the first event, updated to quantity -1 by the last. A sink
 *   that shows the last event has applied every event before it, so the benchmark polls for it.
 * - `records` counts Kafka records: a delete is two (the delete and Debezium's tombstone).
 */
export interface Row {
  rowid: number;
  product_id: number;
  customer_id: number;
  /** DECIMAL(10,2) as an exact string, or null. */
  price: string | null;
  quantity: number;
  /** DATETIME: ms since the epoch (whole seconds), as Debezium's io.debezium.time.Timestamp. */
  timestamp: number;
  /** DATETIME(6): µs since the epoch, as io.debezium.time.MicroTimestamp; null when not set. */
  commit_ts: number | null;
}

export interface Change {
  op: 'c' | 'u' | 'd';
  /** 0-based index of this change in the stream: it orders the source coordinates (binlog pos, gtid). */
  seq: number;
  before: Row | null;
  after: Row | null;
  key: number;
}

export const SENTINEL_MARKER = -1;

export interface PlanCounts {
  records: number;
  changes: number;
  inserts: number;
  updates: number;
  deletes: number;
  finalRows: number;
}

/** Simulated commit times: 10,000 changes per second, ending about now. */
const CHANGE_SPACING_US = 100;

export class ChangePlan {
  readonly sentinelKey: number;
  readonly counts: PlanCounts = { records: 0, changes: 0, inserts: 0, updates: 0, deletes: 0, finalRows: 0 };
  private readonly rng: Prng;
  // Final state by rowid (index 0 unused), so a million rows cost tens of MB, not a Map of objects.
  private readonly live: Uint8Array;
  private readonly product: Int32Array;
  private readonly customer: Int32Array;
  /** Price in cents; -1 is NULL. */
  private readonly cents: Int32Array;
  private readonly quantity: Int32Array;
  private readonly tsMs: Float64Array;
  /** commit_ts in µs; -1 is NULL. */
  private readonly commitUs: Float64Array;
  /** Live keys (random pick and removal in O(1)) and each key's index in it. */
  private readonly liveKeys: Int32Array;
  private readonly liveIndex: Int32Array;
  private liveCount = 0;
  /** Free keys as a FIFO ring: fresh keys ascending, then deleted keys in deletion order. */
  private readonly free: Int32Array;
  private freeHead = 0;
  private freeCount: number;
  readonly startUs: number;

  constructor(
    readonly totalRecords: number,
    readonly keys: number,
    seed: number,
    /** The simulated clock ends here (µs); fixed by the caller so two plans of one run share it. */
    endUs: number,
  ) {
    this.rng = new Prng(seed);
    this.sentinelKey = keys + 1;
    const n = keys + 2;
    this.live = new Uint8Array(n);
    this.product = new Int32Array(n);
    this.customer = new Int32Array(n);
    this.cents = new Int32Array(n);
    this.quantity = new Int32Array(n);
    this.tsMs = new Float64Array(n);
    this.commitUs = new Float64Array(n);
    this.liveKeys = new Int32Array(keys);
    this.liveIndex = new Int32Array(n);
    this.free = new Int32Array(keys);
    for (let k = 0; k < keys; k++) this.free[k] = k + 1;
    this.freeCount = keys;
    this.startUs = endUs - totalRecords * CHANGE_SPACING_US;
  }

  /** The simulated commit time of change `seq` (µs since the epoch). */
  commitTimeUs(seq: number): number {
    return this.startUs + seq * CHANGE_SPACING_US;
  }

  /** Every change in order; call once. */
  *changes(): Generator<Change> {
    let seq = 0;
    const S = this.sentinelKey;
    yield this.insert(S, seq++, {
      product_id: 0,
      customer_id: 0,
      cents: 0,
      quantity: 0,
      tsMs: 1_577_836_800_000,
    });
    this.counts.records = 1;
    // Leave one record for the closing sentinel.
    while (this.counts.records < this.totalRecords - 1) {
      const room = this.totalRecords - 1 - this.counts.records;
      const r = this.rng.next();
      let kind: 'c' | 'u' | 'd' = r < 0.8 ? 'c' : r < 0.95 ? 'u' : 'd';
      if (kind === 'd' && room < 2) kind = 'u';
      if (kind === 'c' && this.freeCount === 0) kind = 'u';
      if (kind !== 'c' && this.liveCount === 0) kind = 'c';
      if (kind === 'c') {
        const key = this.free[this.freeHead]!;
        this.freeHead = (this.freeHead + 1) % this.keys;
        this.freeCount--;
        yield this.insert(key, seq++, this.randomValues());
        this.counts.inserts++;
        this.counts.records++;
      } else {
        const key = this.liveKeys[this.rng.int(0, this.liveCount - 1)]!;
        if (kind === 'u') {
          yield this.update(key, seq++, this.randomPrice(), this.rng.int(1, 20));
          this.counts.updates++;
          this.counts.records++;
        } else {
          yield this.remove(key, seq++);
          this.counts.deletes++;
          this.counts.records += 2;
        }
      }
    }
    yield this.update(S, seq++, '0.00', SENTINEL_MARKER);
    this.counts.records++;
    this.counts.changes = seq;
    this.counts.finalRows = this.liveCount + 1;
  }

  /** The table the changes leave behind, ordered by rowid (call after `changes()` is exhausted). */
  *finalRows(): Generator<Row> {
    for (let k = 1; k < this.live.length; k++) if (this.live[k]) yield this.row(k);
  }

  private randomPrice(): number {
    return this.rng.next() < 0.01 ? -1 : this.rng.int(100, 99_999);
  }

  private randomValues() {
    return {
      product_id: this.rng.int(1, 5000),
      customer_id: this.rng.int(1, 100_000),
      cents: this.randomPrice(),
      quantity: this.rng.int(1, 20),
      // 2020-01-01 .. 2024-12-31, whole seconds (DATETIME).
      tsMs: (1_577_836_800 + this.rng.int(0, 157_766_399)) * 1000,
    };
  }

  private row(k: number): Row {
    const c = this.cents[k]!;
    const us = this.commitUs[k]!;
    return {
      rowid: k,
      product_id: this.product[k]!,
      customer_id: this.customer[k]!,
      price: c < 0 ? null : centsText(c),
      quantity: this.quantity[k]!,
      timestamp: this.tsMs[k]!,
      commit_ts: us < 0 ? null : us,
    };
  }

  private insert(
    key: number,
    seq: number,
    v: { product_id: number; customer_id: number; cents: number; quantity: number; tsMs: number },
  ): Change {
    this.product[key] = v.product_id;
    this.customer[key] = v.customer_id;
    this.cents[key] = v.cents;
    this.quantity[key] = v.quantity;
    this.tsMs[key] = v.tsMs;
    this.commitUs[key] = this.commitTimeUs(seq);
    this.live[key] = 1;
    if (key <= this.keys) {
      this.liveIndex[key] = this.liveCount;
      this.liveKeys[this.liveCount++] = key;
    }
    return { op: 'c', seq, key, before: null, after: this.row(key) };
  }

  private update(key: number, seq: number, cents: number | string, quantity: number): Change {
    const before = this.row(key);
    this.cents[key] = typeof cents === 'string' ? Math.round(Number(cents) * 100) : cents;
    this.quantity[key] = quantity;
    this.commitUs[key] = this.commitTimeUs(seq);
    return { op: 'u', seq, key, before, after: this.row(key) };
  }

  private remove(key: number, seq: number): Change {
    const before = this.row(key);
    this.live[key] = 0;
    const i = this.liveIndex[key]!;
    const last = this.liveKeys[--this.liveCount]!;
    this.liveKeys[i] = last;
    this.liveIndex[last] = i;
    this.free[(this.freeHead + this.freeCount) % this.keys] = key;
    this.freeCount++;
    return { op: 'd', seq, key, before, after: null };
  }
}

/** Integer cents -> the exact DECIMAL(10,2) text ("1234.05"). */
export function centsText(c: number): string {
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}
