import { describe, expect, it } from 'vitest';
import { answerMissingTable, isMissingTable, missingTableMessage } from './missing-table.js';

describe('a missing table', () => {
  it('is told apart by SQLSTATE 42P01 only', () => {
    expect(isMissingTable({ code: '42P01' })).toBe(true);
    expect(isMissingTable({ code: '42703' })).toBe(false);
    expect(isMissingTable(new Error('relation does not exist'))).toBe(false);
    expect(isMissingTable(null)).toBe(false);
  });

  it('is a 503 naming the command that creates it; other errors are thrown on', () => {
    expect(answerMissingTable({ code: '42P01' }, 'sales-history', 'softcart')).toEqual({
      status: 503,
      body: {
        error:
          'the warehouse schema "softcart" has no sales_history table: load it with `starling seed sales-history`',
      },
    });
    expect(missingTableMessage('search-terms', 's')).toContain('`starling seed search-terms`');
    expect(missingTableMessage('star', 's')).toContain('`starling run`');
    const other = new Error('timeout');
    expect(() => answerMissingTable(other, 'star', 's')).toThrow(other);
  });
});
