import { describe, expect, it } from 'vitest';
import { guardAlarm, type Observed, PartitionEpochs } from './detect.js';

/** A record at `offset` with binlog (seq, pos), committed at second `s`. */
const rec = (offset: number, seq: number, pos: number, s: number, op = 'c'): Observed => ({
  offset: BigInt(offset),
  coords: { seq: BigInt(seq), pos: BigInt(pos), row: 0 },
  tsMs: s * 1000,
  op,
});

/** A stream: epoch 0 up to offset 4, RESET MASTER, then a new snapshot and later changes. */
const stream: Observed[] = [
  rec(0, 1, 100, 10, 'r'),
  rec(1, 1, 100, 10, 'r'),
  rec(2, 1, 200, 11),
  rec(3, 1, 300, 12),
  rec(4, 2, 50, 13),
  // restart: a new snapshot at low coordinates
  rec(5, 1, 4, 20, 'r'),
  rec(6, 1, 4, 20, 'r'),
  rec(7, 1, 90, 21),
  // a second restart: a streamed change with lower coordinates, committed later
  rec(8, 1, 10, 30),
  rec(9, 1, 20, 31),
];

describe('source epoch detection', () => {
  it('starts an epoch at each coordinate restart, recording the coordinates before and after', () => {
    const p = new PartitionEpochs('t', 0);
    const o = p.observe(stream);
    expect(o.epochs).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    expect(o.started.map((s) => [s.epoch, s.startOffset])).toEqual([
      [1, 5n],
      [2, 8n],
    ]);
    expect(o.started[0]!.before).toEqual({ seq: 2n, pos: 50n, row: 0, tsMs: 13_000 });
    expect(o.started[0]!.after).toEqual({ seq: 1n, pos: 4n, row: 0, tsMs: 20_000 });
    expect(o.stale).toBe(0);
  });

  it('gives the same epochs whatever the batch split, and to a redelivery or a replay', () => {
    const whole = new PartitionEpochs('t', 0).observe(stream).epochs;
    for (let cut = 1; cut < stream.length; cut++) {
      const p = new PartitionEpochs('t', 0);
      const a = p.observe(stream.slice(0, cut)).epochs;
      // a redelivery from an earlier offset, then the rest
      const again = p.observe(stream.slice(Math.max(0, cut - 3))).epochs;
      expect([...a, ...again.slice(Math.min(3, cut))]).toEqual(whole);
      // a replay from the start after everything was seen
      expect(p.observe(stream).epochs).toEqual(whole);
    }
  });

  it('resumes from a persisted list and high-water exactly as if it had run on', () => {
    const first = new PartitionEpochs('t', 0);
    first.observe(stream.slice(0, 7));
    const resumed = new PartitionEpochs('t', 0, first.list, first.high);
    const o = resumed.observe(stream.slice(7));
    expect(o.epochs).toEqual([1, 2, 2]);
    expect(resumed.list.map((s) => s.epoch)).toEqual([1, 2]);
  });

  it('reuses an epoch another stage already listed (no duplicate, same number)', () => {
    const other = new PartitionEpochs('t', 0);
    other.observe(stream);
    const late = new PartitionEpochs('t', 0, other.list);
    const o = late.observe(stream);
    expect(o.epochs).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    expect(o.started).toEqual([]);
    // A stage starting in the middle takes the listed epoch of its first record.
    const mid = new PartitionEpochs('t', 0, other.list);
    expect(mid.observe(stream.slice(6)).epochs).toEqual([1, 1, 2, 2]);
  });

  it("treats Debezium's re-send after a Connect restart as the same epoch (older commit times)", () => {
    const p = new PartitionEpochs('t', 0);
    p.observe(stream.slice(0, 5));
    // offsets 5.. repeat the events at offsets 2..4 (committed at 11..13 s), then go on
    const resent = [rec(5, 1, 200, 11), rec(6, 1, 300, 12), rec(7, 2, 50, 13), rec(8, 2, 60, 14)];
    const o = p.observe(resent);
    expect(o.epochs).toEqual([0, 0, 0, 0]);
    expect(o.started).toEqual([]);
    expect(o.stale).toBe(2); // (2, 50) equals the high-water: not below it
  });

  it('a restart within the same second as the newest change is caught at the next second', () => {
    const p = new PartitionEpochs('t', 0);
    p.observe([rec(0, 3, 500, 10)]);
    const o = p.observe([rec(1, 1, 4, 10), rec(2, 1, 9, 10), rec(3, 1, 20, 11)]);
    expect(o.epochs).toEqual([0, 0, 1]);
    expect(o.stale).toBe(2);
  });

  it('raises the guard alarm when nearly every new record of a batch is below the high-water', () => {
    expect(guardAlarm({ fresh: 100, stale: 95 })).toBe(true);
    expect(guardAlarm({ fresh: 100, stale: 50 })).toBe(false);
    expect(guardAlarm({ fresh: 5, stale: 5 })).toBe(false); // too few to say
  });
});
