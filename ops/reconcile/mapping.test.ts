import { describe, expect, it } from 'vitest';
import { FactSales, softcartModel } from '../../schemas/softcart.js';
import { parseReconcileArgs } from '../cli/reconcile.js';
import { planFact } from './fact-mapping.js';
import { optionProblems } from './reconcile.js';
import { formatReport } from './report.js';
import { planStagingPair, type SourceTable } from './staging-pair.js';
import type { ReconcileReport, TableResult } from './types.js';

const salesData: SourceTable = {
  db: 'shop',
  name: 'sales_data',
  key: ['rowid'],
  columns: [
    { name: 'rowid', dataType: 'int', columnType: 'int(11)', scale: 0 },
    { name: 'product_id', dataType: 'int', columnType: 'int(11)', scale: 0 },
    { name: 'customer_id', dataType: 'int', columnType: 'int(11)', scale: 0 },
    { name: 'price', dataType: 'decimal', columnType: 'decimal(10,2)', scale: 2 },
    { name: 'quantity', dataType: 'int', columnType: 'int(11)', scale: 0 },
    { name: 'timestamp', dataType: 'datetime', columnType: 'datetime', scale: null },
    { name: 'commit_ts', dataType: 'datetime', columnType: 'datetime(6)', scale: null },
  ],
};

const staged = new Map([
  ['rowid', 'integer'],
  ['product_id', 'integer'],
  ['customer_id', 'integer'],
  ['price', 'numeric'],
  ['quantity', 'integer'],
  ['timestamp', 'timestamp without time zone'],
  ['commit_ts', 'timestamp without time zone'],
  ['_starling_pos', 'text'],
  ['_starling_op', 'character'],
  ['_starling_source_ts', 'timestamp with time zone'],
  ['_starling_loaded_at', 'timestamp with time zone'],
]);

describe('the staging comparison plan', () => {
  it('compares every source column but the key by kind, and never staging metadata', () => {
    const p = planStagingPair(salesData, { columns: staged, key: ['rowid'] });
    if (!p.ok) throw new Error(p.problems.join());
    expect(p.problems).toEqual([]);
    expect(p.plan.columns.map((c) => c.name)).toEqual([
      'product_id',
      'customer_id',
      'price',
      'quantity',
      'timestamp',
      'commit_ts',
    ]);
    expect(p.plan.target.table).toBe('"shop"."sales_data"');
    expect(p.plan.source.table).toBe('`shop`.`sales_data`');
    expect(p.plan.notes).toEqual([]);
  });

  it('reports a missing staging table, a missing column, a staging-only column and a changed key', () => {
    expect(planStagingPair(salesData, undefined)).toEqual({
      ok: false,
      problems: ['no table "shop"."sales_data" in staging'],
      notes: [],
    });
    const columns = new Map(staged);
    columns.delete('price');
    columns.set('legacy', 'text');
    const p = planStagingPair(salesData, { columns, key: ['rowid', 'product_id'] });
    if (!p.ok) throw new Error('expected a plan');
    expect(p.problems).toEqual([
      "staging's primary key is (rowid, product_id), the source's (rowid)",
      'column price is missing in staging',
    ]);
    expect(p.plan.notes).toEqual(['column in staging only: legacy']);
  });
});

describe('the fact comparison plan (SoftCart FactSales)', () => {
  const planned = planFact(softcartModel, FactSales, salesData, 'wh');
  if (!planned.ok) throw new Error(planned.problems.join());
  const { plan } = planned;

  it('pairs the grain with the source key and each fact column with its source expression', () => {
    expect(plan.keyColumns).toEqual(['orderid']);
    expect(plan.source.key).toEqual([{ sql: '`rowid`', canon: { kind: 'integer' } }]);
    expect(plan.columns.map((c) => c.name)).toEqual([
      'product_id',
      'customer_id',
      'event_time',
      'dateid',
      'quantity',
      'price',
      'amount',
    ]);
    expect(plan.source.columns.map((c) => c.sql)).toEqual([
      '`product_id`',
      '`customer_id`',
      '`timestamp`',
      "CAST(DATE_FORMAT(`timestamp`, '%Y%m%d') AS UNSIGNED)",
      '`quantity`',
      '`price`',
      '(`price` * `quantity`)',
    ]);
    expect(plan.columns.at(-1)!.canon).toEqual({ kind: 'decimal', scale: 2 });
    expect(plan.target.table).toBe('"wh"."FactSales"');
  });

  it('aggregates count and the sum of every measure on both sides', () => {
    expect(plan.aggregates.names).toEqual(['count', 'sum(quantity)', 'sum(price)', 'sum(amount)']);
    expect(plan.aggregates.source).toBe(
      'SELECT COUNT(*), CAST(CAST(SUM(`quantity`) AS DECIMAL(65,0)) AS CHAR), CAST(CAST(SUM(`price`) AS DECIMAL(65,2)) AS CHAR), CAST(CAST(SUM((`price` * `quantity`)) AS DECIMAL(65,2)) AS CHAR) FROM `shop`.`sales_data`',
    );
    expect(plan.aggregates.target).toBe(
      'SELECT count(*), round(sum("quantity")::numeric, 0)::text, round(sum("price")::numeric, 2)::text, round(sum("amount")::numeric, 2)::text FROM "wh"."FactSales"',
    );
  });

  it('checks every dimension link, through-links and the date key', () => {
    expect(plan.dimensionChecks.map((c) => `${c.dimension}: ${c.rule}`)).toEqual([
      "DimItem: itemid names the DimItem member of the fact's product_id",
      "DimCategory: categoryid names the DimCategory member of the category of the fact's DimItem member",
      "DimCustomer: customerkey names the DimCustomer member of the fact's customer_id valid at its event_time",
      "DimCountry: countryid names the DimCountry member of the country of the fact's DimCustomer member",
      'DimDate: dateid names a DimDate member',
    ]);
    expect(plan.dimensionChecks[2]!.sql).toContain(
      'NOT (d."valid_from" <= f."event_time" AND f."event_time" < d."valid_to")',
    );
  });

  it('lists every source column the model needs that the table lacks', () => {
    const r = planFact(
      softcartModel,
      FactSales,
      { ...salesData, columns: salesData.columns.filter((c) => !['price', 'timestamp'].includes(c.name)) },
      'wh',
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        'event_time: source column timestamp is not in shop.sales_data',
        'measure price: source column price is not in shop.sales_data',
      ],
    });
  });
});

describe('options', () => {
  it('reports every problem at once', () => {
    expect(optionProblems({ tables: ['sales', 'a.b', '.x'], segmentRows: 0 })).toEqual([
      '--table "sales" is not of the form database.table',
      '--table ".x" is not of the form database.table',
      '--segment-rows "0" is not a whole number of at least 1',
    ]);
    expect(() => parseReconcileArgs({ table: ['nodot'], segmentRows: '12x' })).toThrow(
      /2 problems:\n {2}- --table "nodot" is not of the form database.table\n {2}- --segment-rows "12x" is not a whole number/,
    );
    expect(parseReconcileArgs({ table: ['sales.sales_data'], segmentRows: '64', json: true })).toEqual({
      tables: ['sales.sales_data'],
      segmentRows: 64,
      json: true,
    });
  });
});

describe('the readable report', () => {
  const base: TableResult = {
    kind: 'staging',
    source: 'sales.sales_data',
    target: 'sales.sales_data',
    targetLabel: 'staging',
    status: 'ok',
    keyColumns: ['rowid'],
    columns: ['price'],
    counts: { source: 3, target: 3 },
    checksums: { source: '1', target: '1' },
    problems: [],
    notes: [],
    differences: [],
    complete: true,
    segments: { checked: 1, fetched: 0 },
  };

  it('says OK per table and clean at the end', () => {
    const report: ReconcileReport = { at: 'now', segmentRows: 256, clean: true, tables: [base] };
    expect(formatReport(report)).toEqual([
      'OK           sales.sales_data -> staging sales.sales_data: 3 rows',
      'Clean: 1 comparison, no differences.',
    ]);
  });

  it('lists the first differences by key, aggregates and dimension rules', () => {
    const differences = Array.from({ length: 25 }, (_, i) => ({
      key: [String(i + 1)],
      kind: 'missing' as const,
    }));
    const fact: TableResult = {
      ...base,
      kind: 'fact',
      target: 'wh.FactSales',
      targetLabel: 'warehouse',
      keyColumns: ['orderid'],
      status: 'differs',
      differences: [
        { key: ['5'], kind: 'differs', columns: [{ column: 'quantity', source: '2', target: '3' }] },
        { key: ['9'], kind: 'extra' },
      ],
      aggregates: [
        { name: 'count', source: '3', target: '3', equal: true },
        { name: 'sum(quantity)', source: '7', target: '8', equal: false },
      ],
      dimensions: [{ dimension: 'DimItem', rule: 'itemid names …', count: 1, examples: [['9']] }],
    };
    const report: ReconcileReport = {
      at: 'now',
      segmentRows: 256,
      clean: false,
      tables: [{ ...base, status: 'differs', differences }, fact],
    };
    const lines = formatReport(report);
    expect(lines[0]).toBe(
      'DIFFERS      sales.sales_data -> staging sales.sales_data: source 3 rows, staging 3 rows',
    );
    expect(lines[1]).toBe('  25 differences by key (1 segments checked, 0 fetched), first 20:');
    expect(lines[2]).toBe('    rowid=1: missing in staging');
    expect(lines.filter((l) => l.includes('missing in staging'))).toHaveLength(20);
    expect(lines.slice(22)).toEqual([
      'DIFFERS      sales.sales_data -> warehouse wh.FactSales: source 3 rows, warehouse 3 facts',
      '  2 differences by key (1 segments checked, 0 fetched):',
      '    orderid=5: differs in warehouse: quantity source 2, warehouse 3',
      '    orderid=9: extra in warehouse',
      '  aggregates differ: sum(quantity) source 7, warehouse 8',
      '  DimItem: 1 fact breaks the rule "itemid names …" (orderid=9)',
      'Differences in 2 of 2 comparisons.',
    ]);
  });
});
