import type { ChangeEvent, ColumnSpec } from '../envelope/types.js';

/** A stable text for a key (column order as the source declares it). */
export function keyText(e: ChangeEvent): string {
  return JSON.stringify(e.keyColumns.map((k) => e.key[k]));
}

export function tableKey(e: ChangeEvent): string {
  return `${e.table.namespace}\u0000${e.table.name}`;
}

/**
 * Reduces a batch to the newest event per table and key (by source position, not arrival order: a
 * redelivered older copy can arrive after a newer event). The writer still guards by position, since an
 * event older than what the table holds must lose too.
 */
export function reduceBatch(events: ChangeEvent[]): Map<string, ChangeEvent[]> {
  const byTable = new Map<string, Map<string, ChangeEvent>>();
  for (const e of events) {
    const t = tableKey(e);
    let keys = byTable.get(t);
    if (!keys) {
      keys = new Map();
      byTable.set(t, keys);
    }
    const k = keyText(e);
    const prev = keys.get(k);
    if (!prev || prev.position < e.position) keys.set(k, e);
  }
  return new Map([...byTable].map(([t, keys]) => [t, [...keys.values()]]));
}

/**
 * Splits one table's reduced changes for writing: the deletes, and the upserts grouped by schema version
 * (the changes of one version share one statement's column list).
 */
export function splitForWrite(events: ChangeEvent[]): {
  deletes: ChangeEvent[];
  upserts: Map<ColumnSpec[], ChangeEvent[]>;
} {
  const deletes: ChangeEvent[] = [];
  const upserts = new Map<ColumnSpec[], ChangeEvent[]>();
  for (const e of events) {
    if (e.op === 'd') {
      deletes.push(e);
      continue;
    }
    const list = upserts.get(e.columns);
    if (list) list.push(e);
    else upserts.set(e.columns, [e]);
  }
  return { deletes, upserts };
}
