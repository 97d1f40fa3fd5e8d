import { describe, expect, it } from 'vitest';
import { Prng } from '../prng.js';
import { type Change, toStatement } from './change.js';
import { KeySet } from './key-set.js';
import { DEFAULT_MIX, parseMix } from './mix.js';
import { dueMs } from './pacing.js';
import { WorkloadPlanner } from './planner.js';

const countries = ['A', 'B', 'C'];
const start = () => ({
  rowids: [1, 2, 3, 4, 5],
  customers: [
    [10, 'A'],
    [11, 'B'],
  ] as [number, string][],
});
const plan = (seed: number, n: number, mix = DEFAULT_MIX) => {
  const p = new WorkloadPlanner(seed, mix, countries, start());
  return Array.from({ length: n }, () => p.next());
};

describe('WorkloadPlanner', () => {
  it('plans the same changes for the same seed and starting data', () => {
    expect(plan(7, 500)).toEqual(plan(7, 500));
    expect(plan(8, 500)).not.toEqual(plan(7, 500));
  });

  it('never touches a row it deleted or moved, and inserts unused ids', () => {
    const live = new Set([1, 2, 3, 4, 5]);
    for (const c of plan(3, 2000).filter((x) => x.table === 'sales_data')) {
      const rowid = c.key.rowid!;
      if (c.op === 'insert') {
        expect(live.has(rowid)).toBe(false);
        live.add(rowid);
        continue;
      }
      expect(live.has(rowid)).toBe(true);
      if (c.op === 'delete') live.delete(rowid);
      if (c.op === 'pk') {
        expect(live.has(c.values!.rowid as number)).toBe(false);
        live.delete(rowid);
        live.add(c.values!.rowid as number);
      }
    }
  });

  it('makes every kind, extreme prices included, and moves customers to another country', () => {
    const changes = plan(1, 3000);
    expect(new Set(changes.map((c) => c.kind))).toEqual(
      new Set(['insert', 'update', 'delete', 'pk', 'country']),
    );
    const prices = new Set(changes.map((c) => c.values?.price).filter((p) => p !== undefined));
    expect(prices).toContain('99999999.99');
    expect(prices).toContain('0.01');
    expect(prices).toContain(null);
    const updated = new Set(
      changes
        .filter((c) => c.op === 'update' && c.table === 'sales_data')
        .flatMap((c) => Object.keys(c.values!)),
    );
    expect(updated).toEqual(new Set(['product_id', 'customer_id', 'price', 'quantity', 'timestamp']));
  });

  it('inserts when there is nothing to update or delete', () => {
    const p = new WorkloadPlanner(1, parseMix('delete=1'), countries, { rowids: [], customers: [] });
    const first = p.next();
    expect(first).toMatchObject({
      op: 'insert',
      table: 'customers',
      key: { customer_id: 1 },
      values: { country: 'B' },
    });
    expect(p.next()).toMatchObject({ op: 'insert', table: 'sales_data', key: { rowid: 1 } });
    expect(p.next()).toMatchObject({ op: 'delete', key: { rowid: 1 } });
  });
});

describe('toStatement', () => {
  const c = (x: Partial<Change>): Change => ({
    kind: 'update',
    op: 'update',
    table: 'sales_data',
    key: { rowid: 9 },
    values: null,
    ...x,
  });

  it('stamps commit_ts in the same statement for sales_data', () => {
    expect(toStatement(c({ values: { price: null } }))).toEqual({
      sql: 'UPDATE sales_data SET `price` = ?, commit_ts = NOW(6) WHERE `rowid` = ?',
      params: [null, 9],
    });
    expect(toStatement(c({ op: 'insert', values: { quantity: 2 } }))).toEqual({
      sql: 'INSERT INTO sales_data (`rowid`, `quantity`, commit_ts) VALUES (?, ?, NOW(6))',
      params: [9, 2],
    });
    expect(toStatement(c({ op: 'pk', values: { rowid: 12 } })).sql).toBe(
      'UPDATE sales_data SET `rowid` = ?, commit_ts = NOW(6) WHERE `rowid` = ?',
    );
    expect(toStatement(c({ op: 'delete' }))).toEqual({
      sql: 'DELETE FROM sales_data WHERE `rowid` = ?',
      params: [9],
    });
  });

  it('writes customers without a commit time (the table has none)', () => {
    expect(
      toStatement(c({ table: 'customers', key: { customer_id: 4 }, values: { country: 'X' } })).sql,
    ).toBe('UPDATE customers SET `country` = ? WHERE `customer_id` = ?');
  });
});

describe('KeySet', () => {
  it('adds, removes and picks only present keys', () => {
    const s = new KeySet([1, 2, 3]);
    s.remove(1);
    s.remove(42);
    s.add(2);
    expect(s.size).toBe(2);
    const p = new Prng(1);
    for (let i = 0; i < 50; i++) expect([2, 3]).toContain(s.pick(p));
  });
});

describe('dueMs', () => {
  it('spaces changes evenly from the start', () => {
    expect(dueMs(0, 200)).toBe(0);
    expect(dueMs(200, 200)).toBe(1000);
    expect(dueMs(599, 200)).toBe(2995);
  });
});
