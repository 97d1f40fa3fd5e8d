/**
 * Which raw change events are the rows an incremental snapshot reads. Debezium marks them op 'r' with
 * source.snapshot = 'incremental' (checked by decoding real events of the MariaDB connector 3.5: the initial
 * snapshot's reads say 'first', 'true' or 'last' instead, streamed changes 'false'). Pure.
 */
export interface SnapshotEnvelope {
  op?: string;
  source?: { db?: string; table?: string | null; snapshot?: string | null };
}

export function isIncrementalRead(env: SnapshotEnvelope | null, db: string, table: string): boolean {
  return (
    env !== null &&
    env.op === 'r' &&
    env.source?.snapshot === 'incremental' &&
    env.source.db === db &&
    env.source.table === table
  );
}
