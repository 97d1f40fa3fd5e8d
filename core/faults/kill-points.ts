/**
 * Named places where the fault matrix (tests/faults) kills a pipeline process with SIGKILL, to prove that a
 * death at any of them loses and duplicates nothing. Off unless STARLING_FAULT_KILL_AT is set, and then
 * a counter and a comparison per call: nothing a production run pays for.
 *
 * STARLING_FAULT_KILL_AT=<point>[@<n>]: the process SIGKILLs itself the n-th time (default the first) it
 * reaches <point>. A SIGKILL, not an exit: no finally block, no flush, no graceful disconnect runs, exactly
 * as when the kernel or an operator kills it.
 */
export const KILL_POINTS = {
  joined: 'the consumer joined its group and got its partitions, before the first fetch',
  rebalance: 'a rebalance started (another member joined or left), while batches may be in flight',
  'batch-received': 'a fetched batch was handed to the sink, before decoding',
  prepared: 'a batch was decoded and mapped, before its write',
  'in-transaction': 'inside the database transaction of a batch, every statement run, before COMMIT',
  'produce-request': 'one produce request of a batch acknowledged by Kafka, before the rest (conform)',
  written: 'the batch was written (database commit or Kafka acknowledgement), before its dead letters',
  'before-commit': 'the batch and its dead letters were written, before its offsets were committed',
  committed: "the batch's offsets were committed, before the next batch",
  ddl: 'a table was created or altered in the target, before any row of the batch was written',
  'report-refresh': 'a refresh of the materialized reports ran, before it returned (warehouse)',
} as const;

export type KillPoint = keyof typeof KILL_POINTS;

export const KILL_AT_PATTERN = /^([a-z-]+)(?:@(\d+))?$/;

/** Parses STARLING_FAULT_KILL_AT; returns a problem text for a bad value (config validation). */
export function parseKillAt(value: string): { point: KillPoint; nth: number } | string {
  const m = KILL_AT_PATTERN.exec(value.trim());
  if (!m || !(m[1]! in KILL_POINTS))
    return `must be <point>[@<n>] with <point> one of: ${Object.keys(KILL_POINTS).join(', ')}`;
  const nth = m[2] === undefined ? 1 : Number(m[2]);
  if (nth < 1) return 'the count after @ must be at least 1';
  return { point: m[1] as KillPoint, nth };
}

let armed: { point: KillPoint; nth: number } | null | undefined;
let hits = 0;

/** Called where the named fault may strike; kills this process when it is the configured one. */
export function killPoint(point: KillPoint): void {
  if (armed === undefined) {
    const raw = process.env.STARLING_FAULT_KILL_AT;
    const parsed = raw ? parseKillAt(raw) : null;
    // An invalid value is refused by the configuration check at start; here it simply never fires.
    armed = typeof parsed === 'string' ? null : parsed;
  }
  if (armed === null || armed.point !== point) return;
  hits++;
  if (hits >= armed.nth) process.kill(process.pid, 'SIGKILL');
}
