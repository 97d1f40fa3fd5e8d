import { describe, expect, it } from 'vitest';
import {
  encodeLedger,
  fitLedger,
  isReplayed,
  LEDGER_METADATA_MAX,
  type Ledger,
  ledgerFits,
  parseLedger,
  withReplayed,
} from './ledger.js';

const empty: Ledger = { next: 0, done: [] };

describe('the replay ledger', () => {
  it('starts empty without a committed offset', () => {
    expect(parseLedger(-1, null)).toEqual(empty);
    expect(parseLedger('-1', '')).toEqual(empty);
    expect(parseLedger(null, null)).toEqual(empty);
  });

  it('advances the committed offset over a contiguous replay', () => {
    const l = withReplayed(empty, [0, 1, 2]);
    expect(l).toEqual({ next: 3, done: [] });
    expect([0, 1, 2, 3].map((o) => isReplayed(l, o))).toEqual([true, true, true, false]);
  });

  it('keeps offsets above a gap as ranges, merged, and absorbs them once the gap is filled', () => {
    let l = withReplayed(empty, [1, 2, 5, 3, 9]);
    expect(l).toEqual({
      next: 0,
      done: [
        [1, 3],
        [5, 5],
        [9, 9],
      ],
    });
    expect([0, 1, 3, 4, 5, 6, 9, 10].map((o) => isReplayed(l, o))).toEqual([
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    l = withReplayed(l, [0, 4]);
    expect(l).toEqual({ next: 6, done: [[9, 9]] });
    l = withReplayed(l, [6, 7, 8]);
    expect(l).toEqual({ next: 10, done: [] });
  });

  it('ignores offsets already below the committed offset', () => {
    expect(withReplayed({ next: 5, done: [] }, [1, 2, 7])).toEqual({ next: 5, done: [[7, 7]] });
  });

  it('round-trips through the committed offset and its metadata', () => {
    const l: Ledger = {
      next: 4,
      done: [
        [6, 6],
        [8, 12],
      ],
    };
    const { offset, metadata } = encodeLedger(l);
    expect(offset).toBe('4');
    expect(metadata).toBe('starling.dlq.replay/1:6,8-12');
    expect(parseLedger(offset, metadata)).toEqual(l);
  });

  it("reads someone else's metadata (or garbage) as no ranges", () => {
    expect(parseLedger('7', 'set by kafka-consumer-groups')).toEqual({ next: 7, done: [] });
    expect(parseLedger('7', 'starling.dlq.replay/1:x,9,3-2,11-12')).toEqual({
      next: 7,
      done: [
        [9, 9],
        [11, 12],
      ],
    });
  });

  it('records as many offsets as fit the commit metadata, in the order given', () => {
    // Every other offset: each is its own range.
    const offsets = Array.from({ length: 2000 }, (_, i) => 10 + 2 * i);
    const { count, next } = fitLedger(empty, offsets);
    expect(count).toBeGreaterThan(100);
    expect(count).toBeLessThan(offsets.length);
    expect(ledgerFits(next)).toBe(true);
    expect(ledgerFits(withReplayed(next, [offsets[count]!]))).toBe(false);
    expect(Buffer.byteLength(encodeLedger(next).metadata)).toBeLessThanOrEqual(LEDGER_METADATA_MAX);
    expect(next).toEqual(withReplayed(empty, offsets.slice(0, count)));
    // Contiguous offsets cost nothing.
    const run = Array.from({ length: 100_000 }, (_, i) => i);
    expect(fitLedger(empty, run)).toEqual({ count: run.length, next: { next: run.length, done: [] } });
  });
});
