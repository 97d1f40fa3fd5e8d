import { expect, it } from 'vitest';
import { softcartModel } from '../../schemas/softcart.js';
import { Prng } from '../../seeds/prng.js';
import type { WarehouseDialect } from '../../sinks/warehouse/dialect.js';
import { WarehouseWriter } from '../../sinks/warehouse/writer.js';
import type { ConformedRecord, DimensionRecord, FactRecord } from '../../streams/conform/records.js';
import { toEpochMicros } from '../../streams/time.js';

/**
 * The warehouse dialect conformance suite: the same conformed records applied in different orders, batch
 * splits and with repeats must leave identical tables (surrogate keys included), with the SCD semantics
 * checked by natural values. Shared by every dialect: PostgreSQL runs it live here; Db2 runs it where a
 * server is configured (tests/warehouse/db2-live.test.ts).
 */
export interface ConformanceBackend {
  /** A dialect on a fresh, empty schema (each call a new one). */
  fresh(): Promise<WarehouseDialect>;
  /** Every warehouse table of that dialect's schema: rows in primary-key order, timestamps as text. */
  snapshot(d: WarehouseDialect): Promise<Record<string, unknown[]>>;
  /** Facts as natural values: orderid -> "customer_id|country|category|item product_id". */
  facts(d: WarehouseDialect): Promise<Map<number, string>>;
}

const t = (s: string) => toEpochMicros(s);
let pos = 0;
const p = (src: 'b' | 'm') => `${src}:${String(++pos).padStart(20, '0')}`;

function customer(id: number, country: string, at: string): DimensionRecord {
  return {
    kind: 'dimension',
    table: 'DimCustomer',
    naturalKey: id,
    attributes: { country },
    eventTime: t(at),
    position: p('b'),
    sourceTsMs: 0,
  };
}
function country(name: string): DimensionRecord {
  return {
    kind: 'dimension',
    table: 'DimCountry',
    naturalKey: name,
    attributes: {},
    eventTime: 0n,
    position: p('b'),
    sourceTsMs: 0,
  };
}
function item(id: number, model: string, type: string): DimensionRecord[] {
  const position = p('m');
  return [
    {
      kind: 'dimension',
      table: 'DimItem',
      naturalKey: id,
      attributes: { item: model, category: type },
      eventTime: 0n,
      position,
      sourceTsMs: 0,
    },
    {
      kind: 'dimension',
      table: 'DimCategory',
      naturalKey: type,
      attributes: {},
      eventTime: 0n,
      position,
      sourceTsMs: 0,
    },
  ];
}
function sale(
  orderid: number,
  productId: number,
  customerId: number,
  at: string,
  price = '10.00',
  quantity = 2,
): FactRecord {
  const amount = (Number(price) * quantity).toFixed(2);
  return {
    kind: 'fact',
    table: 'FactSales',
    op: 'upsert',
    grain: { orderid },
    links: { DimItem: productId, DimCustomer: customerId },
    eventTime: t(at),
    measures: { quantity, price, amount },
    position: p('b'),
    sourceTsMs: 0,
  };
}
function remove(orderid: number): FactRecord {
  return {
    kind: 'fact',
    table: 'FactSales',
    op: 'delete',
    grain: { orderid },
    links: {},
    eventTime: null,
    measures: {},
    position: p('b'),
    sourceTsMs: 0,
  };
}

/**
 * The scenario: customer 1 lives in A, moves to B at 2020-03-01 and back to A at 2020-06-01; customer 2
 * never arrives (its sales keep an inferred member); item 5600 is re-categorised; order 13 is deleted, and
 * an older change of it is repeated after the delete.
 */
function scenario(): { records: ConformedRecord[]; expected: Map<number, string> } {
  pos = 0;
  const records: ConformedRecord[] = [
    country('Aland'),
    customer(1, 'Aland', '2019-01-01 00:00:00'),
    ...item(5600, 'Phone X', 'smart phone'),
    ...item(5601, 'Laptop Y', 'laptop'),
    sale(10, 5600, 1, '2020-02-01 10:00:00'),
    sale(11, 5601, 1, '2020-04-01 10:00:00'),
    sale(12, 5600, 1, '2020-07-01 10:00:00'),
    sale(13, 5601, 1, '2020-04-02 10:00:00'),
    sale(14, 5600, 2, '2020-04-03 10:00:00'),
    sale(15, 5602, 1, '2020-04-04 10:00:00'),
    country('Borduria'),
    customer(1, 'Borduria', '2020-03-01 00:00:00'),
    customer(1, 'Aland', '2020-06-01 00:00:00'),
    ...item(5600, 'Phone X', 'television'),
  ];
  const older = records.find((r) => r.kind === 'fact' && r.grain.orderid === 13)!;
  records.push(remove(13), older);
  const expected = new Map<number, string>([
    [10, '1|Aland|television|5600'],
    [11, '1|Borduria|laptop|5601'],
    [12, '1|Aland|television|5600'],
    [14, '2|∅|television|5600'],
    // Product 5602 never arrives: an inferred item without a category.
    [15, '1|Borduria|∅|5602'],
  ]);
  return { records, expected };
}

/** Applies records as partition batches would arrive: consecutive runs of one table, at most `size` each. */
async function applyAll(d: WarehouseDialect, records: ConformedRecord[], size: number): Promise<void> {
  const writer = new WarehouseWriter(softcartModel);
  let i = 0;
  while (i < records.length) {
    const table = records[i]!.table;
    const batch: ConformedRecord[] = [];
    while (i < records.length && records[i]!.table === table && batch.length < size)
      batch.push(records[i++]!);
    await d.transaction((tx) => writer.apply(tx, table, batch));
  }
}

export function conformanceSuite(backend: ConformanceBackend): void {
  it('resolves SCD2 versions at the event time, late versions re-point facts, inferred members stay keyed', async () => {
    const { records, expected } = scenario();
    const d = await backend.fresh();
    try {
      await applyAll(d, records, 100);
      expect(await backend.facts(d)).toEqual(expected);
    } finally {
      await d.close();
    }
  });

  it('any arrival order, batch split and repetition gives identical tables, keys included', async () => {
    const { records, expected } = scenario();
    const reference = await backend.fresh();
    let want: Record<string, unknown[]>;
    try {
      await applyAll(reference, records, 100);
      want = await backend.snapshot(reference);
    } finally {
      await reference.close();
    }
    const seed = Number(process.env.STARLING_TEST_SEED ?? 20261126);
    const prng = new Prng(seed);
    const orders: Array<{ name: string; records: ConformedRecord[]; size: number }> = [
      {
        name: 'facts first',
        records: [...records.filter((r) => r.kind === 'fact'), ...records.filter((r) => r.kind !== 'fact')],
        size: 3,
      },
      { name: 'reversed', records: [...records].reverse(), size: 2 },
      // A processor that dies after producing and before its offset commit produces the batch again: both
      // copies can reach the sink in one batch.
      { name: 'every record twice, in one batch', records: records.flatMap((r) => [r, r]), size: 1000 },
    ];
    for (let k = 0; k < 3; k++) {
      const shuffled = [...records, ...records.filter(() => prng.next() < 0.3)];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(prng.next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      orders.push({
        name: `shuffle ${k} (seed ${seed})`,
        records: shuffled,
        size: 1 + Math.floor(prng.next() * 4),
      });
    }
    for (const o of orders) {
      const d = await backend.fresh();
      try {
        await applyAll(d, o.records, o.size);
        expect(await backend.facts(d), o.name).toEqual(expected);
        expect(await backend.snapshot(d), o.name).toEqual(want);
      } finally {
        await d.close();
      }
    }
  });
}
