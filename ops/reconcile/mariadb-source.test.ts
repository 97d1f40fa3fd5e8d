import { describe, expect, it } from 'vitest';
import { bindOutsideQuotes } from './mariadb-source.js';

describe('bindOutsideQuotes', () => {
  it('binds placeholders as mysql2 does, values escaped', () => {
    expect(bindOutsideQuotes('SELECT a FROM t WHERE k >= ? AND n IN (?)', ["x'; --", ['a', 'b']])).toBe(
      `SELECT a FROM t WHERE k >= 'x\\'; --' AND n IN ('a', 'b')`,
    );
    expect(bindOutsideQuotes('SELECT ?', [])).toBe('SELECT ?');
  });

  it('leaves a ? inside a quoted name or string alone', () => {
    expect(bindOutsideQuotes('SELECT `what?`, `a``?` FROM `t?` WHERE `k?` < ?', [5])).toBe(
      'SELECT `what?`, `a``?` FROM `t?` WHERE `k?` < 5',
    );
    expect(bindOutsideQuotes(`SELECT 'it''s ?', 'a\\'?', ? `, [1])).toBe(`SELECT 'it''s ?', 'a\\'?', 1 `);
  });

  it('refuses a count mismatch instead of sending a half-bound query', () => {
    expect(() => bindOutsideQuotes('SELECT ?, ?', [1])).toThrow('more placeholders');
    expect(() => bindOutsideQuotes('SELECT ?', [1, 2])).toThrow('2 values for 1 placeholders');
  });
});
