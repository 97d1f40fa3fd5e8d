import { describe, expect, it } from 'vitest';
import { Prng } from '../prng.js';
import { addSeconds } from '../synthetic.js';
import { type Change, toStatement } from './change.js';
import { KeySet } from './key-set.js';
import { DEFAULT_MIX, type Mix, parseMix } from './mix.js';
import { dueMs } from './pacing.js';
import { type StartingState, WorkloadPlanner } from './planner.js';

const countries = ['A', 'B', 'C'];
const SEEDED = '2019-01-01 00:00:00';
const catalog = [
  { type: 'laptop', model: 'a1', 'screen size': 14, ram: '8GB', product_id: 5600 },
  { type: 'smart phone', model: 'b2', 'screen size': 5.5, product_id: 5601 },
  { type: 'television', model: 'c3', 'screen size': 40, product_id: 5602 },
];
const start = (): StartingState => ({
  rowids: [1, 2, 3, 4, 5],
  customers: [
    [10, 'A', SEEDED],
    [11, 'B', SEEDED],
  ],
  catalog,
});
const plan = (seed: number, n: number, mix = DEFAULT_MIX) => {
  const p = new WorkloadPlanner(seed, mix, countries, start());
  return Array.from({ length: n }, () => p.next());
};
/** n planned changes, then the flush of late members still pending. */
const planAll = (seed: number, n: number, mix: Mix) => {
  const p = new WorkloadPlanner(seed, mix, countries, start());
  const changes = Array.from({ length: n }, () => p.next());
  return { changes, flushed: p.flush() };
};
const BUSINESS_TIME = /^2020-(09|10)-\d\d \d\d:\d\d:\d\d$/;

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

  it('makes no late or category change with the default mix', () => {
    const kinds = new Set(plan(1, 3000).map((c) => c.kind));
    expect(kinds.has('late') || kinds.has('category')).toBe(false);
  });

  it('gives new and moving customers a business time, strictly increasing per customer', () => {
    const changes = plan(5, 3000, parseMix('insert=10,country=90'));
    const last = new Map<number, string>([
      [10, SEEDED],
      [11, SEEDED],
    ]);
    let moves = 0;
    let bumped = 0;
    for (const c of changes.filter((x) => x.table === 'customers')) {
      const at = c.values!.updated_at as string;
      expect(Object.keys(c.values!).sort()).toEqual(['country', 'updated_at']);
      const id = c.key.customer_id!;
      if (c.op === 'insert') {
        expect(last.has(id)).toBe(false);
        expect(at).toMatch(BUSINESS_TIME);
      } else {
        moves++;
        expect(at > last.get(id)!).toBe(true);
        if (!BUSINESS_TIME.test(at) || at === addSeconds(last.get(id)!, 1)) bumped++;
      }
      last.set(id, at);
    }
    expect(moves).toBeGreaterThan(2000);
    // Few customers, many moves: some draws fall before the previous move and are pushed after it.
    expect(bumped).toBeGreaterThan(0);
  });

  it('moves a product to another category, among existing products', () => {
    const types = new Map(catalog.map((d) => [d.product_id, d.type]));
    const changes = plan(2, 500, parseMix('category=1'));
    for (const c of changes) {
      expect(c).toMatchObject({ kind: 'category', op: 'update', table: 'electronics' });
      const id = c.key.product_id!;
      expect(types.has(id)).toBe(true);
      expect(Object.keys(c.values!)).toEqual(['type']);
      expect(['laptop', 'smart phone', 'television']).toContain(c.values!.type);
      expect(c.values!.type).not.toBe(types.get(id));
      types.set(id, c.values!.type as string);
    }
  });

  it('plans late sales whose new members follow 1..20 changes later or at the flush', () => {
    const mix = parseMix('insert=40,update=20,late=20,category=10,country=10');
    const a = planAll(9, 2000, mix);
    expect(planAll(9, 2000, mix)).toEqual(a);
    expect(planAll(10, 2000, mix)).not.toEqual(a);

    const all = [...a.changes, ...a.flushed];
    const customers = new Set([10, 11]);
    const products = new Set(catalog.map((d) => d.product_id));
    const waiting = new Map<string, number>(); // member -> index of the sale that referred to it
    let lateCustomers = 0;
    let lateProducts = 0;
    all.forEach((c, i) => {
      if (c.table === 'sales_data' && c.op === 'insert') {
        const customer = c.values!.customer_id as number;
        const product = c.values!.product_id as number;
        if (c.kind === 'late') {
          expect(customers.has(customer) && products.has(product)).toBe(false);
          if (!customers.has(customer)) {
            lateCustomers++;
            waiting.set(`c${customer}`, i);
          }
          if (product >= 6038) {
            expect(products.has(product)).toBe(false);
            lateProducts++;
            waiting.set(`p${product}`, i);
          }
        } else {
          expect(customers.has(customer)).toBe(true);
        }
      }
      const member =
        c.table === 'customers' && c.op === 'insert'
          ? `c${c.key.customer_id}`
          : c.table === 'electronics' && c.op === 'insert'
            ? `p${c.key.product_id}`
            : undefined;
      if (member === undefined) return;
      if (c.table === 'customers') customers.add(c.key.customer_id!);
      else {
        products.add(c.key.product_id!);
        expect(c.values).toMatchObject({ model: `late-${c.key.product_id}` });
        expect(['laptop', 'smart phone', 'television']).toContain(c.values!.type);
        expect(c.values).not.toHaveProperty('product_id');
      }
      if (!waiting.has(member)) return; // a plain new customer
      expect(c.kind).toBe('late');
      // Created at its due change, 1..20 after the sale (a little later when several fall due at once), or at
      // the end.
      if (i < a.changes.length) {
        expect(i - waiting.get(member)!).toBeGreaterThanOrEqual(1);
        expect(i - waiting.get(member)!).toBeLessThanOrEqual(30);
      }
      waiting.delete(member);
    });
    expect(waiting.size).toBe(0);
    expect(lateCustomers).toBeGreaterThan(50);
    expect(lateProducts).toBeGreaterThan(50);
    // New product ids start after the catalog's contract range.
    expect(Math.min(...[...products].filter((p) => p > 5602))).toBe(6038);
  });

  it('flushes the pending members at the end, and nothing more', () => {
    const p = new WorkloadPlanner(3, parseMix('late=1'), countries, start());
    const sale = p.next();
    expect(sale).toMatchObject({ kind: 'late', op: 'insert', table: 'sales_data' });
    const flushed = p.flush();
    const made = flushed.map((c) => c.key.customer_id ?? c.key.product_id);
    const referred = [sale.values!.product_id, sale.values!.customer_id].filter(
      (id) => id === 6038 || id === 12,
    );
    expect(made.sort()).toEqual(referred.sort());
    expect(p.flush()).toEqual([]);
  });

  it('inserts when there is nothing to update or delete', () => {
    const p = new WorkloadPlanner(1, parseMix('delete=1'), countries, { rowids: [], customers: [] });
    const first = p.next();
    expect(first).toMatchObject({
      op: 'insert',
      table: 'customers',
      key: { customer_id: 1 },
      values: { country: 'B', updated_at: expect.stringMatching(BUSINESS_TIME) },
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
      toStatement(
        c({ table: 'customers', key: { customer_id: 4 }, values: { country: 'X', updated_at: SEEDED } }),
      ),
    ).toEqual({
      sql: 'UPDATE customers SET `country` = ?, `updated_at` = ? WHERE `customer_id` = ?',
      params: ['X', SEEDED, 4],
    });
  });

  it('has no SQL for a catalog change', () => {
    expect(() => toStatement(c({ table: 'electronics', key: { product_id: 5600 } }))).toThrow(/catalog/);
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
