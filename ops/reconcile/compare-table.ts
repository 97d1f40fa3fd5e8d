import { bisect, sameChecksum } from './bisect.js';
import { compareRows } from './compare-rows.js';
import { splitAt, splitIntegerRange, WHOLE } from './ranges.js';
import type { TableSide } from './table-side.js';
import type { Canon, Checksum, Difference, KeyRange } from './types.js';

export interface CompareOptions {
  segmentRows: number;
  limit: number;
  concurrency: number;
  onProgress?(p: { checked: number; total: number }): void;
}

export interface CompareResult {
  root: [Checksum, Checksum];
  differences: Difference[];
  complete: boolean;
  checked: number;
  fetched: number;
  unexplained: number;
}

/**
 * Compares a source and a target table by key ranges (bisect.ts). Ranges are split by the first key
 * column's values when it is an integer (equal-width slices between the smallest and largest value of
 * either side: no query needed, and a range is an index range scan); otherwise, or when a slice holds a
 * single first-column value, at key boundaries sampled in the database from the side holding more rows.
 * Text key columns are ranged in code-point order, the one order both databases agree on; MariaDB cannot
 * use a case-insensitive index for it, so each of their range queries scans the table (integer, decimal
 * and temporal keys are index ranges on both sides).
 */
export async function compareTables(
  source: TableSide,
  target: TableSide,
  columns: Array<{ name: string; canon: Canon }>,
  o: CompareOptions,
): Promise<CompareResult> {
  const rootChecksums = (await Promise.all([source.checksum(WHOLE), target.checksum(WHOLE)])) as [
    Checksum,
    Checksum,
  ];
  let bounds: { min: bigint; max: bigint } | undefined;
  const first = source.spec.key[0]!.canon;
  if (first.kind === 'integer' && !sameChecksum(...rootChecksums)) {
    const [[aMin, aMax], [bMin, bMax]] = await Promise.all([
      source.firstKeyBounds(),
      target.firstKeyBounds(),
    ]);
    const values = [aMin, bMin, aMax, bMax]
      .filter((v): v is string => v !== null)
      .map(BigInt)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    if (values.length > 0) bounds = { min: values[0]!, max: values.at(-1)! };
  }
  const result = await bisect<KeyRange, Difference>({
    root: WHOLE,
    rootChecksums,
    segmentRows: o.segmentRows,
    limit: o.limit,
    concurrency: o.concurrency,
    onProgress: o.onProgress,
    checksums: async (range) =>
      (await Promise.all([source.checksum(range), target.checksum(range)])) as [Checksum, Checksum],
    split: async (range, parts, [a, b]) => {
      if (bounds) {
        const slices = splitIntegerRange(range, parts, bounds.min, bounds.max);
        if (slices) return slices;
      }
      const side = a >= b ? source : target;
      const boundaries = await side.sample(range, Math.ceil(Math.max(a, b) / parts));
      return splitAt(range, boundaries);
    },
    leaf: async (range) => {
      const [s, t] = await Promise.all([source.rows(range), target.rows(range)]);
      return compareRows(columns, s, t);
    },
  });
  return {
    root: result.root,
    differences: result.differences,
    complete: result.complete,
    checked: result.checked,
    fetched: result.fetched,
    unexplained: result.unexplained,
  };
}
