import { describe, expect, it } from 'vitest';
import { isIncrementalRead } from './snapshot-event.js';

const source = (snapshot: string | null, table = 'sales_data', db = 'sales') => ({ db, table, snapshot });

describe('incremental snapshot reads', () => {
  it("counts op 'r' with source.snapshot 'incremental' of the table", () => {
    expect(isIncrementalRead({ op: 'r', source: source('incremental') }, 'sales', 'sales_data')).toBe(true);
  });

  it("ignores the initial snapshot's reads, streamed changes and tombstones", () => {
    for (const s of ['first', 'true', 'last', 'false', null])
      expect(isIncrementalRead({ op: 'r', source: source(s) }, 'sales', 'sales_data')).toBe(false);
    for (const op of ['c', 'u', 'd'])
      expect(isIncrementalRead({ op, source: source('incremental') }, 'sales', 'sales_data')).toBe(false);
    expect(isIncrementalRead(null, 'sales', 'sales_data')).toBe(false);
  });

  it('ignores reads of another table or database', () => {
    expect(
      isIncrementalRead({ op: 'r', source: source('incremental', 'customers') }, 'sales', 'sales_data'),
    ).toBe(false);
    expect(
      isIncrementalRead(
        { op: 'r', source: source('incremental', 'sales_data', 'shop') },
        'sales',
        'sales_data',
      ),
    ).toBe(false);
  });
});
