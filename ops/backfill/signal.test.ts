import { describe, expect, it } from 'vitest';
import { SIGNAL_TYPE, snapshotSignalData } from './signal.js';

describe('the execute-snapshot signal', () => {
  it('asks for an incremental snapshot of the one table', () => {
    expect(SIGNAL_TYPE).toBe('execute-snapshot');
    expect(JSON.stringify(snapshotSignalData('sales', 'sales_data'))).toBe(
      '{"data-collections":["sales.sales_data"],"type":"incremental"}',
    );
  });

  it('passes --where as the additional condition of that table, verbatim', () => {
    expect(JSON.stringify(snapshotSignalData('sales', 'sales_data', "country = 'O''Hara' AND id < 10"))).toBe(
      `{"data-collections":["sales.sales_data"],"type":"incremental","additional-conditions":[{"data-collection":"sales.sales_data","filter":"country = 'O''Hara' AND id < 10"}]}`,
    );
  });
});
