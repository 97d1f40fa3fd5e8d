/**
 * Whether Debezium still runs the incremental snapshot, read from the connector's committed source offset
 * (Kafka Connect's GET /connectors/{name}/offsets). While a MariaDB/MySQL connector runs an incremental
 * snapshot, every offset it commits carries `incremental_snapshot_collections` (a JSON list naming each table
 * still to read, with `incremental_snapshot_correlation_id` = the signal's id); once the snapshot is over, the
 * offsets lose those fields. So an offset at or past the signal's binlog position that does not name the table
 * means the snapshot has ended (read to the end, or given up: Debezium logs an SQL error and goes on
 * streaming). Offsets are committed every offset.flush.interval.ms, so this lags by that much. Pure.
 */
export interface BinlogPosition {
  file: string;
  pos: number;
}

export type SnapshotPhase = 'not-started' | 'running' | 'ended';

/** Binlog files are <base>.<sequence>: by sequence, then position. */
export function compareBinlog(a: BinlogPosition, b: BinlogPosition): number {
  const seq = (f: string) => Number(/\.(\d+)$/.exec(f)?.[1] ?? Number.NaN);
  const [sa, sb] = [seq(a.file), seq(b.file)];
  if (sa !== sb && !Number.isNaN(sa) && !Number.isNaN(sb)) return sa - sb;
  if (sa !== sb) return a.file.localeCompare(b.file);
  return a.pos - b.pos;
}

/** The tables an offset says are being snapshotted (empty when none, or when the field is unreadable). */
export function snapshottingTables(offset: Record<string, unknown>): string[] {
  const raw = offset.incremental_snapshot_collections;
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .map((c) =>
        typeof c === 'string'
          ? c
          : (c as { incremental_snapshot_collections_id?: unknown })?.incremental_snapshot_collections_id,
      )
      .filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}

export function snapshotPhase(
  offset: Record<string, unknown> | undefined,
  tableId: string,
  signalAt: BinlogPosition,
): SnapshotPhase {
  if (offset === undefined) return 'not-started';
  if (snapshottingTables(offset).some((t) => t.toLowerCase() === tableId.toLowerCase())) return 'running';
  const file = offset.file;
  const pos = Number(offset.pos);
  if (typeof file !== 'string' || !Number.isFinite(pos)) return 'not-started';
  return compareBinlog({ file, pos }, signalAt) >= 0 ? 'ended' : 'not-started';
}

/** What Debezium is doing, as far as this run can tell (rows read prove it started, whatever the offsets say). */
export function phaseNote(phase: SnapshotPhase | 'unknown', read: number): string {
  if (phase === 'ended')
    return 'Debezium has ended the snapshot; the rest of its reads are still on their way to Kafka.';
  if (read > 0)
    return 'Debezium is still running the snapshot: it goes on in the background (give the next backfill a longer --timeout).';
  if (phase === 'not-started')
    return 'Debezium has not started the snapshot: its streaming has not reached the signal yet (is it far behind?); it starts when it does.';
  return 'Debezium has not sent a snapshot row yet (this Kafka Connect does not report offsets, so whether it started is unknown).';
}
