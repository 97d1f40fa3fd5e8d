import { CATALOG_BASE, CATALOG_SIZE, countryFor } from '../contract.js';
import { Prng } from '../prng.js';
import { addSeconds } from '../synthetic.js';
import type { Change, Value } from './change.js';
import { KeySet } from './key-set.js';
import { chooseKind, type Mix } from './mix.js';

/** What the workload knows of the tables when it starts: read once, then tracked by itself. */
export interface StartingState {
  rowids: number[];
  /** customer_id → country, in ascending id order. */
  customers: [number, string][];
}

/** Prices at the edges of DECIMAL(10,2), and NULL, which every sink must carry exactly. */
const EXTREME_PRICES: Value[] = ['99999999.99', '0.01', '0.00', null];
const SALE_COLUMNS = ['product_id', 'customer_id', 'price', 'quantity', 'timestamp'] as const;
/** Timestamps of generated sales: a month of whole seconds after the course's last sale. */
const TIME_BASE = '2020-09-05 17:03:28';
const TIME_SPAN_S = 30 * 86_400;
/** How often an insert is a new customer rather than a sale. */
const NEW_CUSTOMER_RATE = 0.05;

/**
 * The deterministic source of changes: every choice (kind, row, column, value) comes from one PRNG seeded by
 * --seed, applied to the key sets it tracks itself, so the same seed on the same starting data yields the
 * same changes in the same order, however fast or slow the database is.
 */
export class WorkloadPlanner {
  private readonly prng: Prng;
  private readonly rows: KeySet;
  private readonly customers: KeySet;
  private readonly country = new Map<number, string>();
  private nextRowid: number;
  private nextCustomer: number;

  constructor(
    seed: number,
    private readonly mix: Mix,
    private readonly countries: readonly string[],
    start: StartingState,
  ) {
    this.prng = new Prng(seed);
    this.rows = new KeySet(start.rowids);
    this.customers = new KeySet(start.customers.map(([id]) => id));
    for (const [id, c] of start.customers) this.country.set(id, c);
    // reduce, not Math.max(...ids): a spread of hundreds of thousands of ids overflows the call stack.
    this.nextRowid = start.rowids.reduce((m, id) => Math.max(m, id), 0) + 1;
    this.nextCustomer = start.customers.reduce((m, [id]) => Math.max(m, id), 0) + 1;
  }

  next(): Change {
    const kind = chooseKind(this.mix, this.prng.next());
    if (kind === 'country' && this.customers.size > 0) return this.moveCountry();
    if (kind === 'insert' || kind === 'country' || this.rows.size === 0) {
      if (this.customers.size === 0 || this.prng.next() < NEW_CUSTOMER_RATE) return this.newCustomer(kind);
      return this.insertSale();
    }
    const rowid = this.rows.pick(this.prng);
    if (kind === 'delete') {
      this.rows.remove(rowid);
      return { kind, op: 'delete', table: 'sales_data', key: { rowid }, values: null };
    }
    if (kind === 'pk') {
      const to = this.nextRowid++;
      this.rows.remove(rowid);
      this.rows.add(to);
      return { kind, op: 'pk', table: 'sales_data', key: { rowid }, values: { rowid: to } };
    }
    const column = this.prng.pick(SALE_COLUMNS);
    return {
      kind,
      op: 'update',
      table: 'sales_data',
      key: { rowid },
      values: { [column]: this.value(column) },
    };
  }

  private insertSale(): Change {
    const rowid = this.nextRowid++;
    this.rows.add(rowid);
    const values: Record<string, Value> = {};
    for (const c of SALE_COLUMNS) values[c] = this.value(c);
    return { kind: 'insert', op: 'insert', table: 'sales_data', key: { rowid }, values };
  }

  private newCustomer(kind: Change['kind']): Change {
    const id = this.nextCustomer++;
    const country = countryFor(id, this.countries);
    this.customers.add(id);
    this.country.set(id, country);
    return { kind, op: 'insert', table: 'customers', key: { customer_id: id }, values: { country } };
  }

  private moveCountry(): Change {
    const id = this.customers.pick(this.prng);
    const current = this.country.get(id);
    const others = this.countries.filter((c) => c !== current);
    const country = others.length > 0 ? this.prng.pick(others) : current!;
    this.country.set(id, country);
    return {
      kind: 'country',
      op: 'update',
      table: 'customers',
      key: { customer_id: id },
      values: { country },
    };
  }

  private value(column: (typeof SALE_COLUMNS)[number]): Value {
    const p = this.prng;
    switch (column) {
      case 'product_id':
        return p.int(CATALOG_BASE, CATALOG_BASE + CATALOG_SIZE - 1);
      case 'customer_id':
        return this.customers.pick(p);
      case 'price':
        if (p.next() < 0.1) return p.pick(EXTREME_PRICES);
        return `${p.int(57, 4993)}.${String(p.int(0, 99)).padStart(2, '0')}`;
      case 'quantity':
        return p.int(1, 5);
      case 'timestamp':
        return addSeconds(TIME_BASE, p.int(0, TIME_SPAN_S));
    }
  }
}
