/**
 * The Debezium signal that asks for an incremental snapshot of one table (Debezium 3.x, checked against the
 * MariaDB connector 3.5.0.Final the stack runs: ExecuteSnapshot reads `data-collections`, `type` and
 * `additional-conditions`, each condition a `data-collection` (a regular expression of db.table) and a
 * `filter` (SQL appended as the WHERE condition of every chunk query)). Pure.
 */
export const SIGNAL_TYPE = 'execute-snapshot';

export interface SnapshotSignalData {
  'data-collections': string[];
  type: 'incremental';
  'additional-conditions'?: Array<{ 'data-collection': string; filter: string }>;
}

export function snapshotSignalData(db: string, table: string, where?: string): SnapshotSignalData {
  const id = `${db}.${table}`;
  const data: SnapshotSignalData = { 'data-collections': [id], type: 'incremental' };
  if (where !== undefined) data['additional-conditions'] = [{ 'data-collection': id, filter: where }];
  return data;
}
