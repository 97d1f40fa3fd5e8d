import { CATALOG_BASE, CATALOG_SIZE, countryFor } from '../contract.js';
import { Prng } from '../prng.js';
import type { CustomerTuple } from '../softcart-rows.js';
import { addSeconds } from '../synthetic.js';
import { CatalogState } from './catalog-state.js';
import { CATALOG_TABLE, type Change, type Value } from './change.js';
import { KeySet } from './key-set.js';
import { type LateMember, LateMembers } from './late-members.js';
import { chooseKind, type Mix } from './mix.js';

/** What the workload knows of the tables when it starts: read once, then tracked by itself. */
export interface StartingState {
  rowids: number[];
  /** [customer_id, country, updated_at 'yyyy-mm-dd hh:mm:ss'], in ascending id order. */
  customers: CustomerTuple[];
  /** The catalog documents (product_id, type, model, …) the run starts from: needed by late and category. */
  catalog?: ReadonlyArray<Record<string, unknown>>;
  /** The largest product_id in sales_data (a late product of an earlier run may be missing from `catalog`). */
  maxSaleProductId?: number;
}

/** Prices at the edges of DECIMAL(10,2), and NULL, which every sink must carry exactly. */
const EXTREME_PRICES: Value[] = ['99999999.99', '0.01', '0.00', null];
const SALE_COLUMNS = ['product_id', 'customer_id', 'price', 'quantity', 'timestamp'] as const;
/** Timestamps of generated sales: a month of whole seconds after the course's last sale. */
const TIME_BASE = '2020-09-05 17:03:28';
const TIME_SPAN_S = 30 * 86_400;
/** How often an insert is a new customer rather than a sale. */
const NEW_CUSTOMER_RATE = 0.05;
/** A late member is created this many changes (at most) after the sale that refers to it. */
const LATE_MAX_DELAY = 20;

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
  /** Each customer's updated_at: a move takes effect strictly after the customer's previous values. */
  private readonly updatedAt = new Map<number, string>();
  private readonly catalog: CatalogState;
  private readonly late = new LateMembers();
  private nextRowid: number;
  private nextCustomer: number;
  /** Changes planned so far (the index of the last one, from 1). */
  private planned = 0;

  constructor(
    seed: number,
    private readonly mix: Mix,
    private readonly countries: readonly string[],
    start: StartingState,
  ) {
    this.prng = new Prng(seed);
    this.rows = new KeySet(start.rowids);
    this.customers = new KeySet(start.customers.map(([id]) => id));
    for (const [id, c, at] of start.customers) {
      this.country.set(id, c);
      this.updatedAt.set(id, at);
    }
    this.catalog = new CatalogState(start.catalog ?? [], start.maxSaleProductId);
    // reduce, not Math.max(...ids): a spread of hundreds of thousands of ids overflows the call stack.
    this.nextRowid = start.rowids.reduce((m, id) => Math.max(m, id), 0) + 1;
    this.nextCustomer = start.customers.reduce((m, [id]) => Math.max(m, id), 0) + 1;
  }

  next(): Change {
    this.planned++;
    const member = this.late.takeDue(this.planned);
    if (member) return this.createMember(member);
    const kind = chooseKind(this.mix, this.prng.next());
    if (kind === 'country' && this.customers.size > 0) return this.moveCountry();
    if (kind === 'category' && this.catalog.canRecategorize()) return this.recategorize();
    if (kind === 'late') return this.lateSale();
    // A kind that has nothing to act on inserts instead.
    if (kind === 'insert' || kind === 'country' || kind === 'category' || this.rows.size === 0) {
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

  /** The members still pending when the run ends, created now: after this nothing refers to a missing one. */
  flush(): Change[] {
    return this.late.takeAll().map((m) => this.createMember(m));
  }

  private newCustomer(kind: Change['kind'], id = this.nextCustomer++): Change {
    const country = countryFor(id, this.countries);
    const updated_at = this.businessTime();
    this.customers.add(id);
    this.country.set(id, country);
    this.updatedAt.set(id, updated_at);
    return {
      kind,
      op: 'insert',
      table: 'customers',
      key: { customer_id: id },
      values: { country, updated_at },
    };
  }

  /**
   * A move takes effect at a random business time, but never at or before the customer's previous values
   * (+1 s at least), so one customer's versions are in business-time order. Sales drawn in the same span
   * are committed before moves that take effect earlier than them: dimension changes arriving after facts.
   */
  private moveCountry(): Change {
    const id = this.customers.pick(this.prng);
    const current = this.country.get(id);
    const others = this.countries.filter((c) => c !== current);
    const country = others.length > 0 ? this.prng.pick(others) : current!;
    const drawn = this.businessTime();
    const floor = addSeconds(this.updatedAt.get(id)!, 1);
    // The later of the two: 'yyyy-mm-dd hh:mm:ss' texts sort like the times they name.
    const updated_at = [drawn, floor].sort()[1]!;
    this.country.set(id, country);
    this.updatedAt.set(id, updated_at);
    return {
      kind: 'country',
      op: 'update',
      table: 'customers',
      key: { customer_id: id },
      values: { country, updated_at },
    };
  }

  private recategorize(): Change {
    const { productId, type } = this.catalog.recategorize(this.prng);
    return {
      kind: 'category',
      op: 'update',
      table: CATALOG_TABLE,
      key: { product_id: productId },
      values: { type },
    };
  }

  /**
   * A sale that arrives before its dimension member: its customer, its product, or both (a third each) are
   * ids reserved now and created 1..20 changes later. Without categories no product can be made up, and
   * without customers the sale has no existing one to fall back on.
   */
  private lateSale(): Change {
    const r = this.prng.next();
    const lateProduct = this.catalog.canCreate() && r >= 1 / 3;
    const lateCustomer = !lateProduct || r < 2 / 3 || this.customers.size === 0;
    const rowid = this.nextRowid++;
    this.rows.add(rowid);
    const values: Record<string, Value> = {};
    for (const c of SALE_COLUMNS) {
      if (c === 'customer_id' && lateCustomer) values[c] = this.reserve('customer', this.nextCustomer++);
      else if (c === 'product_id' && lateProduct) values[c] = this.reserve('product', this.catalog.reserve());
      else values[c] = this.value(c);
    }
    return { kind: 'late', op: 'insert', table: 'sales_data', key: { rowid }, values };
  }

  private reserve(member: LateMember['member'], id: number): number {
    this.late.add({ member, id, due: this.planned + this.prng.int(1, LATE_MAX_DELAY) });
    return id;
  }

  private createMember(m: LateMember): Change {
    if (m.member === 'customer') return this.newCustomer('late', m.id);
    return {
      kind: 'late',
      op: 'insert',
      table: CATALOG_TABLE,
      key: { product_id: m.id },
      values: this.catalog.create(m.id, this.prng),
    };
  }

  /** A business time (the clock of sales_data.`timestamp`): whole seconds in the workload's month. */
  private businessTime(): string {
    return addSeconds(TIME_BASE, this.prng.int(0, TIME_SPAN_S));
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
        return this.businessTime();
    }
  }
}
