/**
 * What `starling dlq replay` has sent back, per dead-letter partition, kept as the replay group's committed
 * offset and its metadata: every dead letter below `next` was replayed, and so was every one in `done`
 * (offset ranges above `next`, left by a replay filtered by code or topic that passed over others). Kafka
 * keeps it with the group, so nothing else stores state, and `starling lag` shows the group's lag: the dead
 * letters never replayed (ranges above `next` aside).
 */
export interface Ledger {
  next: number;
  /** inclusive [from, to] ranges, sorted, disjoint, not adjacent, all above `next` */
  done: Array<[number, number]>;
}

const TAG = 'starling.dlq.replay/1:';

/** Kafka's default offset.metadata.max.bytes is 4096; stay below it. */
export const LEDGER_METADATA_MAX = 4000;

/** The ledger of a partition from the group's committed offset (-1 or null: none) and metadata. */
export function parseLedger(offset: string | number | null, metadata: string | null): Ledger {
  const n = offset === null ? -1 : Number(offset);
  const next = Number.isSafeInteger(n) && n > 0 ? n : 0;
  const done: Array<[number, number]> = [];
  if (metadata?.startsWith(TAG)) {
    for (const part of metadata.slice(TAG.length).split(',')) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (m === null) continue;
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      if (to >= from) done.push([from, to]);
    }
  }
  return normalize({ next, done });
}

export function isReplayed(l: Ledger, offset: number): boolean {
  if (offset < l.next) return true;
  for (const [from, to] of l.done) {
    if (offset < from) return false;
    if (offset <= to) return true;
  }
  return false;
}

/** The ledger after these offsets were replayed too. */
export function withReplayed(l: Ledger, offsets: Iterable<number>): Ledger {
  const done = [...l.done];
  for (const o of offsets) done.push([o, o]);
  return normalize({ next: l.next, done });
}

export function encodeLedger(l: Ledger): { offset: string; metadata: string } {
  return {
    offset: String(l.next),
    metadata: TAG + l.done.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(','),
  };
}

export function ledgerFits(l: Ledger): boolean {
  return Buffer.byteLength(encodeLedger(l).metadata) <= LEDGER_METADATA_MAX;
}

/**
 * How many of `offsets` (in the order given) can be recorded before the ledger outgrows the commit
 * metadata, and the ledger after them: all of them, unless a filtered replay left too many gaps.
 */
export function fitLedger(ledger: Ledger, offsets: number[]): { count: number; next: Ledger } {
  const after = (n: number) => withReplayed(ledger, offsets.slice(0, n));
  const all = after(offsets.length);
  if (ledgerFits(all)) return { count: offsets.length, next: all };
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ledgerFits(after(mid))) lo = mid;
    else hi = mid - 1;
  }
  return { count: lo, next: after(lo) };
}

function normalize(l: Ledger): Ledger {
  const sorted = l.done.filter(([, to]) => to >= l.next).sort((a, b) => a[0] - b[0]);
  let next = l.next;
  const done: Array<[number, number]> = [];
  for (const [f, to] of sorted) {
    const from = Math.max(f, next);
    const last = done[done.length - 1];
    if (from <= next) next = Math.max(next, to + 1);
    else if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else done.push([from, to]);
  }
  // A range that now touches `next` (after ranges merged) is absorbed too.
  while (done.length > 0 && done[0]![0] <= next) next = Math.max(next, done.shift()![1] + 1);
  return { next, done };
}
