import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bisect } from './bisect.js';
import type { Checksum } from './types.js';

/**
 * The bisection over an in-memory fake: two "databases" are maps of integer key -> row text; a range is
 * [lo, hi); a side's checksum is the count and the sum of 60-bit MD5 prefixes, as the databases compute it.
 */
type Table = Map<number, string>;
type Range = { lo: number; hi: number };
type Diff = { key: number; kind: 'missing' | 'extra' | 'differs' };

const hash60 = (text: string) => BigInt(`0x${createHash('md5').update(text).digest('hex').slice(0, 15)}`);

/** A table indexed for range checksums: sorted keys and prefix sums of the row hashes. */
function indexed(t: Table) {
  const keys = [...t.keys()].sort((x, y) => x - y);
  const prefix = [0n];
  for (const k of keys) prefix.push(prefix.at(-1)! + hash60(`${k}|${t.get(k)}`));
  const at = (v: number) => {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (r: Range): Checksum => {
    const i = at(r.lo);
    const j = at(r.hi);
    return { count: j - i, sum: (prefix[j]! - prefix[i]!).toString() };
  };
}

function bruteForce(a: Table, b: Table): Diff[] {
  const out: Diff[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) out.push({ key: k, kind: 'missing' });
    else if (b.get(k) !== v) out.push({ key: k, kind: 'differs' });
  }
  for (const k of b.keys()) if (!a.has(k)) out.push({ key: k, kind: 'extra' });
  return out.sort((x, y) => x.key - y.key);
}

/** A seeded PRNG (mulberry32), so a failing case can be rerun. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function harness(
  a: Table,
  b: Table,
  o: { segmentRows: number; limit?: number; concurrency?: number; delay?: () => number },
) {
  const stats = { checksumCalls: 0, fetchedRows: [] as number[], maxLeafRows: 0 };
  const wait = () => new Promise((r) => setTimeout(r, o.delay?.() ?? 0));
  const keys = [...a.keys(), ...b.keys()];
  const root: Range = {
    lo: keys.reduce((x, y) => Math.min(x, y)),
    hi: keys.reduce((x, y) => Math.max(x, y)) + 1,
  };
  const [sumA, sumB] = [indexed(a), indexed(b)];
  const run = bisect<Range, Diff>({
    root,
    segmentRows: o.segmentRows,
    limit: o.limit,
    concurrency: o.concurrency,
    checksums: async (r) => {
      stats.checksumCalls++;
      await wait();
      return [sumA(r), sumB(r)];
    },
    split: async (r, parts) => {
      const span = r.hi - r.lo;
      if (span < 2) return [r];
      const step = Math.ceil(span / Math.min(parts, span));
      const out: Range[] = [];
      for (let lo = r.lo; lo < r.hi; lo += step) out.push({ lo, hi: Math.min(r.hi, lo + step) });
      return out;
    },
    leaf: async (r) => {
      await wait();
      const inA = new Map([...a].filter(([k]) => k >= r.lo && k < r.hi));
      const inB = new Map([...b].filter(([k]) => k >= r.lo && k < r.hi));
      stats.fetchedRows.push(inA.size + inB.size);
      stats.maxLeafRows = Math.max(stats.maxLeafRows, inA.size, inB.size);
      return bruteForce(inA, inB);
    },
  });
  return { run, stats };
}

function table(n: number, gapEvery = 0): Table {
  const t: Table = new Map();
  for (let k = 1; k <= n; k++) if (!gapEvery || k % gapEvery !== 0) t.set(k, `row ${k}`);
  return t;
}

describe('bisect (range checksums narrowing down to the differing rows)', () => {
  it('checks only the root when both sides are equal', async () => {
    const a = table(10_000);
    const { run, stats } = harness(a, new Map(a), { segmentRows: 256 });
    const r = await run;
    expect(r).toMatchObject({ differences: [], checked: 1, fetched: 0, complete: true });
    expect(r.root[0]).toEqual(r.root[1]);
    expect(stats.checksumCalls).toBe(1);
  });

  it('names a missing, an extra and a changed row among 100,000, fetching only small segments', async () => {
    const a = table(100_000, 7);
    const b = new Map(a);
    b.delete(12_345);
    b.set(100_001, 'extra row');
    b.set(50_000, 'changed');
    const { run, stats } = harness(a, b, { segmentRows: 256 });
    const r = await run;
    expect(r.differences).toEqual([
      { key: 12_345, kind: 'missing' },
      { key: 50_000, kind: 'differs' },
      { key: 100_001, kind: 'extra' },
    ]);
    expect(r.complete).toBe(true);
    expect(r.root[0].count).toBe(a.size);
    expect(r.root[1].count).toBe(a.size);
    expect(stats.maxLeafRows).toBeLessThanOrEqual(256);
    // Three leaves, each at most 2 x 256 rows, out of ~170,000 rows on the two sides.
    expect(r.fetched).toBe(3);
    expect(stats.fetchedRows.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(3 * 512);
    expect(r.checked).toBeLessThan(200);
  });

  it('finds what a full comparison finds, in key order, for random changes and sizes (seeded)', async () => {
    const seed = Number(process.env.STARLING_TEST_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    for (let round = 0; round < 20; round++) {
      const n = 1 + Math.floor(random() * 5000);
      const a = table(n, 1 + Math.floor(random() * 5));
      const b = new Map(a);
      const changes = Math.floor(random() * 40);
      for (let i = 0; i < changes; i++) {
        const k = 1 + Math.floor(random() * (n + 50));
        const what = random();
        if (what < 0.33) b.delete(k);
        else if (what < 0.66) b.set(k, `changed ${i}`);
        else a.delete(k);
      }
      if (a.size + b.size === 0) continue;
      const segmentRows = 1 + Math.floor(random() * 64);
      const { run, stats } = harness(a, b, { segmentRows, delay: () => Math.floor(random() * 2) });
      const r = await run;
      expect(r.differences, `seed ${seed}, round ${round}`).toEqual(bruteForce(a, b));
      expect(stats.maxLeafRows, `seed ${seed}, round ${round}`).toBeLessThanOrEqual(Math.max(1, segmentRows));
      expect(r.complete).toBe(true);
    }
  });

  it('stops at the limit and says the search is not complete', async () => {
    const a = table(20_000);
    const b = new Map(a);
    for (let k = 100; k <= 20_000; k += 100) b.set(k, 'changed');
    const r = await harness(a, b, { segmentRows: 64, limit: 10 }).run;
    expect(r.differences).toHaveLength(10);
    expect(r.differences.map((d) => d.key)).toEqual(
      [...r.differences.map((d) => d.key)].sort((x, y) => x - y),
    );
    expect(r.complete).toBe(false);
    // One range at a time, depth-first: exactly the lowest keys.
    const one = await harness(a, b, { segmentRows: 64, limit: 10, concurrency: 1 }).run;
    expect(one.differences.map((d) => d.key)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(one.complete).toBe(false);
  });

  it('is complete when the limit is reached exactly by the last differences', async () => {
    const a = table(1000);
    const b = new Map(a);
    b.set(500, 'x');
    const r = await harness(a, b, { segmentRows: 16, limit: 1 }).run;
    expect(r.differences).toEqual([{ key: 500, kind: 'differs' }]);
    expect(r.complete).toBe(true);
  });

  it('fetches a range that cannot be split, whatever its size', async () => {
    const r = await bisect<string, string>({
      root: 'all',
      segmentRows: 2,
      checksums: async () => [
        { count: 10, sum: '1' },
        { count: 10, sum: '2' },
      ],
      split: async () => [],
      leaf: async () => ['d'],
    });
    expect(r).toMatchObject({ differences: ['d'], checked: 1, fetched: 1, complete: true });
  });

  it('counts fetched ranges whose rows turned out equal', async () => {
    const r = await bisect<string, string>({
      root: 'all',
      segmentRows: 100,
      checksums: async () => [
        { count: 1, sum: '1' },
        { count: 1, sum: '2' },
      ],
      split: async () => [],
      leaf: async () => [],
    });
    expect(r).toMatchObject({ differences: [], fetched: 1, unexplained: 1 });
  });

  it('reports progress as segments checked out of segments known', async () => {
    const a = table(5000);
    const b = new Map(a);
    b.delete(4000);
    const seen: Array<{ checked: number; total: number }> = [];
    const [sumA, sumB] = [indexed(a), indexed(b)];
    await bisect<Range, Diff>({
      root: { lo: 1, hi: 5001 },
      segmentRows: 100,
      checksums: async (r) => [sumA(r), sumB(r)],
      split: async (r, parts) => {
        const step = Math.ceil((r.hi - r.lo) / parts);
        return Array.from({ length: parts }, (_, i) => ({
          lo: r.lo + i * step,
          hi: Math.min(r.hi, r.lo + (i + 1) * step),
        })).filter((x) => x.lo < x.hi);
      },
      leaf: async (r) => bruteForce(new Map([...a].filter(([k]) => k >= r.lo && k < r.hi)), new Map()),
      onProgress: (p) => seen.push(p),
    });
    expect(seen[0]).toEqual({ checked: 1, total: 1 });
    for (const p of seen) expect(p.checked).toBeLessThanOrEqual(p.total);
    expect(seen.at(-1)!.total).toBeGreaterThan(1);
  });

  it('passes a failing query on', async () => {
    await expect(
      bisect<string, string>({
        root: 'all',
        segmentRows: 1,
        checksums: async () => {
          throw new Error('connection lost');
        },
        split: async () => [],
        leaf: async () => [],
      }),
    ).rejects.toThrow('connection lost');
  });

  it('rejects a segment size below 1', async () => {
    await expect(
      bisect<string, string>({
        root: 'all',
        segmentRows: 0,
        checksums: async () => [
          { count: 0, sum: '0' },
          { count: 0, sum: '0' },
        ],
        split: async () => [],
        leaf: async () => [],
      }),
    ).rejects.toThrow(/segmentRows/);
  });
});
