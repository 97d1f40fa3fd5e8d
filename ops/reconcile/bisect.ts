import type { Checksum } from './types.js';

/**
 * The range bisection of data-diff tools, over an abstract "checksum of a range" on two sides:
 *
 * 1. checksum the range on both sides (count and sum of row hashes, computed by each database);
 * 2. equal: the range holds the same rows, done;
 * 3. different and at most `segmentRows` rows on each side: fetch the range's rows from both sides and
 *    name the differing keys (`leaf`);
 * 4. different and larger: split it into parts of about `segmentRows` rows (at most `fanout`) and go on
 *    with each part.
 *
 * Only checksums of ranges and the rows of small differing ranges cross the network, so a table of
 * millions of rows with a few differences costs a few aggregate scans and a few small fetches. Ranges are
 * examined depth-first, the lowest keys first, `concurrency` at a time; the search stops once `limit`
 * differences are named (the result then says it is not complete).
 */
export interface BisectOptions<R, D> {
  root: R;
  /** The range's checksum on the source side and on the target side. */
  checksums(range: R): Promise<[Checksum, Checksum]>;
  /**
   * The range split into about `parts` consecutive ranges covering it; one range or none when it cannot be
   * split (it is then fetched whatever its size). `counts` are its row counts on both sides.
   */
  split(range: R, parts: number, counts: [number, number]): Promise<R[]>;
  /** The differences among the range's rows, fetched from both sides. */
  leaf(range: R): Promise<D[]>;
  segmentRows: number;
  /** Most parts a range is split into (default 16). */
  fanout?: number;
  /** Stop after naming this many differences (default: no limit). */
  limit?: number;
  /** Ranges examined at the same time (default 4). */
  concurrency?: number;
  /** The root's checksums when the caller already has them (the table's row counts). */
  rootChecksums?: [Checksum, Checksum];
  onProgress?(progress: { checked: number; total: number }): void;
}

export interface BisectResult<D> {
  differences: D[];
  /** Ranges whose checksums were compared (the root included). */
  checked: number;
  /** Ranges whose rows were fetched. */
  fetched: number;
  /** Fetched ranges whose checksums differed but whose rows compared equal (e.g. only JSON formatting). */
  unexplained: number;
  /** False when the limit stopped the search with ranges left unexamined. */
  complete: boolean;
  root: [Checksum, Checksum];
}

export function sameChecksum(a: Checksum, b: Checksum): boolean {
  return a.count === b.count && a.sum === b.sum;
}

export async function bisect<R, D>(o: BisectOptions<R, D>): Promise<BisectResult<D>> {
  if (!Number.isInteger(o.segmentRows) || o.segmentRows < 1)
    throw new Error(`segmentRows must be a whole number of at least 1, not ${o.segmentRows}`);
  const fanout = Math.max(2, o.fanout ?? 16);
  const limit = o.limit ?? Number.POSITIVE_INFINITY;
  const concurrency = Math.max(1, o.concurrency ?? 4);
  // Depth-first: a stack whose top is the lowest range not yet examined. Each range carries its path
  // (child indexes from the root), so differences come back in key order whatever finished first.
  const stack: Item<R>[] = [{ range: o.root, path: [], known: o.rootChecksums }];
  const found: Array<{ path: number[]; diffs: D[] }> = [];
  let differences = 0;
  let checked = 0;
  let fetched = 0;
  let unexplained = 0;
  let skipped = 0;
  let total = 1;
  let root: [Checksum, Checksum] | undefined;
  let stopped = false;

  const visit = async ({ range, path, known }: Item<R>): Promise<void> => {
    const sums = known ?? (await o.checksums(range));
    if (path.length === 0) root = sums;
    checked++;
    o.onProgress?.({ checked, total });
    const [a, b] = sums;
    if (sameChecksum(a, b)) return;
    const rows = Math.max(a.count, b.count);
    let parts: R[] = [];
    if (rows > o.segmentRows) {
      const want = Math.min(fanout, Math.max(2, Math.ceil(rows / o.segmentRows)));
      parts = await o.split(range, want, [a.count, b.count]);
    }
    if (parts.length <= 1) {
      if (stopped) {
        skipped++;
        return;
      }
      fetched++;
      const diffs = await o.leaf(range);
      if (diffs.length === 0) unexplained++;
      found.push({ path, diffs });
      differences += diffs.length;
      if (differences >= limit) stopped = true;
      return;
    }
    total += parts.length;
    for (let i = parts.length - 1; i >= 0; i--) stack.push({ range: parts[i]!, path: [...path, i] });
  };

  await new Promise<void>((resolve, reject) => {
    let active = 0;
    let failed = false;
    const pump = () => {
      if (failed) return;
      while (!stopped && active < concurrency && stack.length > 0) {
        const item = stack.pop()!;
        active++;
        visit(item).then(
          () => {
            active--;
            pump();
          },
          (e) => {
            failed = true;
            reject(e);
          },
        );
      }
      if (active === 0 && (stopped || stack.length === 0)) resolve();
    };
    pump();
  });

  found.sort((x, y) => comparePaths(x.path, y.path));
  const all = found.flatMap((f) => f.diffs);
  return {
    differences: all.length > limit ? all.slice(0, limit) : all,
    checked,
    fetched,
    unexplained,
    complete: stack.length === 0 && skipped === 0 && all.length <= limit,
    root: root!,
  };
}

interface Item<R> {
  range: R;
  path: number[];
  known?: [Checksum, Checksum] | undefined;
}

function comparePaths(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
