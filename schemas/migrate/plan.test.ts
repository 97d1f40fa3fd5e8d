import { describe, expect, it } from 'vitest';
import { postgresDialect } from '../ddl/postgres.js';
import type { StarModel } from '../model/types.js';
import { softcartModel } from '../softcart.js';
import { softcartV1 } from './fixtures.js';
import { formatPlan, type PlanContext, planMigration } from './plan.js';

const ctx: PlanContext = {
  dialect: postgresDialect,
  schema: 'wh',
  rawTopic: (s) => `softcart.${s.namespace}.${s.table}`,
  conformGroup: 'starling-conform',
  warehouseGroup: 'starling-warehouse',
};

describe('planMigration', () => {
  it('v1 -> SoftCart: each step with its PostgreSQL DDL, the replay and the rewritten tables', () => {
    const plan = planMigration(softcartV1(), softcartModel, ctx);
    expect(plan.refusals).toEqual([]);
    expect(plan.recordOnly).toBe(false);
    expect(plan.steps.map((s) => s.title)).toEqual([
      'add attribute item (text(255), SCD1, from model) to DimItem',
      'DimCustomer.country SCD1 -> SCD2 (DimCustomer becomes versioned: valid_from, valid_to, is_current, _starling_points_DimCustomer)',
      'add dimension DimCountry (SCD1, natural key country from sales.customers)',
      'add measure amount (decimal(20,2), = price × quantity) to FactSales',
      'link FactSales to DimCountry through DimCustomer.country (key column countryid)',
      'index FactSales (customer_id, event_time) for set-based re-pointing',
      'index FactSales (customerkey) for set-based re-pointing',
    ]);
    expect(plan.statements).toEqual([
      'ALTER TABLE "wh"."DimItem" ADD COLUMN "item" VARCHAR(255)',
      `ALTER TABLE "wh"."DimCustomer" ADD COLUMN "valid_from" TIMESTAMP(6) DEFAULT TIMESTAMP '0001-01-01 00:00:00' NOT NULL`,
      'ALTER TABLE "wh"."DimCustomer" ALTER COLUMN "valid_from" DROP DEFAULT',
      `ALTER TABLE "wh"."DimCustomer" ADD COLUMN "valid_to" TIMESTAMP(6) DEFAULT TIMESTAMP '9999-12-31 00:00:00' NOT NULL`,
      'ALTER TABLE "wh"."DimCustomer" ADD COLUMN "is_current" BOOLEAN DEFAULT TRUE NOT NULL',
      'ALTER TABLE "wh"."DimCustomer" DROP CONSTRAINT "DimCustomer_customer_id_key"',
      'ALTER TABLE "wh"."DimCustomer" ADD UNIQUE ("customer_id", "valid_from")',
      expect.stringMatching(
        /^CREATE TABLE "wh"."_starling_points_DimCustomer" \(\n {2}"customer_id" INTEGER NOT NULL,\n {2}"at" TIMESTAMP\(6\) NOT NULL,/,
      ),
      expect.stringMatching(/^CREATE TABLE "wh"."DimCountry" \(\n {2}"countryid" BIGINT NOT NULL,/),
      'ALTER TABLE "wh"."FactSales" ADD COLUMN "amount" NUMERIC(20,2)',
      'ALTER TABLE "wh"."FactSales" ADD COLUMN "countryid" BIGINT',
      // v1 has FactSales_i1 (itemid: DimCategory is reached through DimItem).
      'CREATE INDEX "FactSales_i2" ON "wh"."FactSales" ("customer_id", "event_time")',
      'CREATE INDEX "FactSales_i3" ON "wh"."FactSales" ("customerkey")',
    ]);
    expect(plan.replay).toEqual({
      group: 'starling-conform',
      topics: ['softcart.catalog.electronics', 'softcart.sales.customers', 'softcart.sales.sales_data'],
    });
    expect(plan.rewritten).toEqual(['DimCountry', 'DimCustomer', 'DimItem', 'FactSales']);
    const text = formatPlan(plan, ctx);
    expect(text).toContain('1. add attribute item (text(255), SCD1, from model) to DimItem');
    expect(text).toContain(
      'rebuild: FactSales: facts re-pointed to the DimCustomer version valid at their event time',
    );
    expect(text).toContain(
      'consumer group starling-conform replayed from the earliest offsets of softcart.catalog.electronics, softcart.sales.customers, softcart.sales.sales_data',
    );
  });

  it('only the sources of the changed tables are replayed; an index list that grows keeps existing names', () => {
    const to = structuredClone(softcartModel) as StarModel;
    to.dimensions
      .find((d) => d.name === 'DimItem')!
      .attributes.push({ name: 'ram', from: 'ram', type: { type: 'text' } });
    const plan = planMigration(softcartModel, to, ctx);
    expect(plan.statements).toEqual(['ALTER TABLE "wh"."DimItem" ADD COLUMN "ram" TEXT']);
    expect(plan.replay.topics).toEqual(['softcart.catalog.electronics']);
    expect(plan.rewritten).toEqual(['DimItem']);
  });

  it('an attribute of a versioned dimension is added to its points table too; widening alters both', () => {
    const to = structuredClone(softcartModel) as StarModel;
    const c = to.dimensions.find((d) => d.name === 'DimCustomer')!;
    c.attributes[0]!.type = { type: 'text', maxLength: 128 };
    c.attributes.push({ name: 'tier', from: 'tier', type: { type: 'int' } });
    expect(planMigration(softcartModel, to, ctx).statements).toEqual([
      'ALTER TABLE "wh"."DimCustomer" ALTER COLUMN "country" TYPE VARCHAR(128)',
      'ALTER TABLE "wh"."_starling_points_DimCustomer" ALTER COLUMN "country" TYPE VARCHAR(128)',
      'ALTER TABLE "wh"."DimCustomer" ADD COLUMN "tier" INTEGER',
      'ALTER TABLE "wh"."_starling_points_DimCustomer" ADD COLUMN "tier" INTEGER',
    ]);
  });

  it('a new fact gets its table, its delete markers and its indexes', () => {
    const to = structuredClone(softcartModel) as StarModel;
    to.facts.push({ ...structuredClone(to.facts[0]!), name: 'FactReturns' });
    const plan = planMigration(softcartModel, to, ctx);
    expect(plan.statements.map((s) => s.split(' (')[0])).toEqual([
      'CREATE TABLE "wh"."FactReturns"',
      'CREATE TABLE "wh"."_starling_deleted_FactReturns"',
      'CREATE INDEX "FactReturns_i1" ON "wh"."FactReturns"',
      'CREATE INDEX "FactReturns_i2" ON "wh"."FactReturns"',
      'CREATE INDEX "FactReturns_i3" ON "wh"."FactReturns"',
    ]);
    expect(plan.replay.topics).toEqual(['softcart.sales.sales_data']);
  });

  it('a refused migration prints its reasons and no DDL', () => {
    const to = structuredClone(softcartModel) as StarModel;
    to.dimensions = to.dimensions.filter((d) => d.name !== 'DimCategory');
    to.facts[0]!.dimensions = to.facts[0]!.dimensions.filter((l) => l.dimension !== 'DimCategory');
    const plan = planMigration(softcartModel, to, ctx);
    expect(formatPlan(plan, ctx)).toBe(
      [
        'This migration cannot be applied safely (2 problems):',
        "  - DimCategory: removing (or renaming) a dimension is not supported: its members and the facts' keys would be lost; keep it in the model",
        '  - FactSales.dimensions.DimCategory: removing a link to a dimension is not supported: the key column would be lost',
      ].join('\n'),
    );
  });

  it('models that differ only in order change no table', () => {
    const to = structuredClone(softcartModel) as StarModel;
    to.dimensions.reverse();
    const plan = planMigration(softcartModel, to, ctx);
    expect(plan).toMatchObject({ recordOnly: true, statements: [], refusals: [] });
    expect(formatPlan(plan, ctx)).toMatch(/only the model record is updated/);
  });
});
