import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { DimCustomer, DimItem, FactSales, softcartModel } from '../../schemas/softcart.js';
import type { FactRow } from '../warehouse/dialect.js';
import { type Db2Connection, type Db2Param, type IbmDb, loadIbmDb } from './driver.js';
import { Db2Warehouse } from './warehouse-dialect.js';

/**
 * Db2Warehouse driven by a fake ibm_db that records what it is asked to run (no Db2 server is involved:
 * this checks the order of transaction, lock and statements, not Db2's acceptance of the SQL).
 */
type Answer = (sql: string, params?: Db2Param[]) => Array<Record<string, unknown>> | Error | undefined;

function fakeDriver(answer: Answer = () => undefined) {
  const log: Array<{ sql: string; params?: Db2Param[] }> = [];
  let opened = 0;
  let closed = 0;
  const conn = (): Db2Connection => ({
    query: async <Row>(sql: string, params?: Db2Param[]) => {
      log.push({ sql, params });
      const a = answer(sql, params);
      if (a instanceof Error) throw a;
      return (a ?? []) as Row[];
    },
    beginTransaction: async () => void log.push({ sql: 'BEGIN' }),
    commitTransaction: async () => {
      log.push({ sql: 'COMMIT' });
      const a = answer('COMMIT');
      if (a instanceof Error) throw a;
    },
    rollbackTransaction: async () => {
      log.push({ sql: 'ROLLBACK' });
      const a = answer('ROLLBACK');
      if (a instanceof Error) throw a;
    },
    close: async () => void closed++,
  });
  const driver: IbmDb = {
    open: async () => {
      opened++;
      return conn();
    },
  };
  return {
    driver,
    log,
    first: () => log.map((l) => l.sql.split('\n')[0]!),
    opened: () => opened,
    closed: () => closed,
  };
}

const URL = 'db2://u:p@h:1/DB';
const LOCK = 'LOCK TABLE "star"."_starling_lock" IN EXCLUSIVE MODE';

const fact: FactRow = {
  grain: { orderid: 1 },
  keys: { itemid: 9223372036854775807n, categoryid: null, customerkey: 2n, countryid: 3n },
  naturalKeys: { product_id: 7, customer_id: 42 },
  eventTime: 1_600_000_000_000_000n,
  dateKey: 20200913,
  measures: { quantity: 1, price: '2.50', amount: '2.50' },
  position: 'p1',
};

describe('Db2Warehouse transactions', () => {
  it('does not load the driver until it is used', async () => {
    let loads = 0;
    const fake = fakeDriver();
    const wh = new Db2Warehouse(URL, 'star', 2, async () => {
      loads++;
      return fake.driver;
    });
    expect(loads).toBe(0);
    await wh.transaction(async () => undefined);
    expect(loads).toBe(1);
    await wh.close();
  });

  it('runs one transaction on one connection: BEGIN, LOCK TABLE, the statements, COMMIT', async () => {
    const fake = fakeDriver();
    const wh = new Db2Warehouse(URL, 'star', 2, async () => fake.driver);
    const result = await wh.transaction(async (tx) => {
      await tx.upsertMembers(DimItem, [
        { key: 1n, naturalKey: 7, attributes: { item: 'TV' }, position: 'p' },
      ]);
      await tx.upsertFacts(FactSales, softcartModel, [fact]);
      await tx.deleteFacts(FactSales, []);
      return 'done';
    });
    expect(result).toBe('done');
    expect(fake.first()).toEqual([
      'BEGIN',
      LOCK,
      'MERGE INTO "star"."DimItem" AS T',
      'MERGE INTO "star"."FactSales" AS T',
      'COMMIT',
    ]);
    // 64-bit keys travel as strings.
    expect(fake.log[3]!.params![1]).toBe('9223372036854775807');
    expect(fake.opened()).toBe(1);
    await wh.transaction(async () => undefined);
    expect(fake.opened()).toBe(1);
  });

  it('rolls back and rethrows the same error when fn fails; the tx is unusable afterwards', async () => {
    const fake = fakeDriver();
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    const boom = new Error('writer failed');
    let leaked: Parameters<Parameters<Db2Warehouse['transaction']>[0]>[0] | undefined;
    const err = await wh
      .transaction(async (tx) => {
        leaked = tx;
        await tx.insertInferred(DimItem, [{ key: 1n, naturalKey: 7 }]);
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(fake.first()).toEqual(['BEGIN', LOCK, 'MERGE INTO "star"."DimItem" AS T', 'ROLLBACK']);
    await expect(leaked!.insertInferred(DimItem, [{ key: 2n, naturalKey: 8 }])).rejects.toThrow(/ended/);
    // The connection went back to the pool (the rollback succeeded).
    await wh.transaction(async () => undefined);
    expect(fake.opened()).toBe(1);
  });

  it('rolls back when a statement or the lock fails, with the database error unchanged', async () => {
    const deadlock = Object.assign(new Error('SQL0911N deadlock or timeout'), { sqlcode: -911 });
    const fake = fakeDriver((sql) => (sql.startsWith('LOCK TABLE') ? deadlock : undefined));
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    let ran = false;
    await expect(
      wh.transaction(async () => {
        ran = true;
      }),
    ).rejects.toBe(deadlock);
    expect(ran).toBe(false);
    expect(fake.first()).toEqual(['BEGIN', LOCK, 'ROLLBACK']);
  });

  it('rolls back when the commit fails', async () => {
    const fake = fakeDriver((sql) => (sql === 'COMMIT' ? new Error('SQL0964C log full') : undefined));
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    await expect(wh.transaction(async () => 1)).rejects.toThrow('log full');
    expect(fake.first()).toEqual(['BEGIN', LOCK, 'COMMIT', 'ROLLBACK']);
  });

  it('closes a connection whose rollback failed and gives its slot to the next waiter', async () => {
    const fake = fakeDriver((sql) =>
      sql === 'ROLLBACK'
        ? new Error('SQL30081N connection lost')
        : sql.startsWith('MERGE')
          ? new Error('x')
          : undefined,
    );
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    const first = wh.transaction((tx) => tx.insertInferred(DimItem, [{ key: 1n, naturalKey: 7 }]));
    const second = wh.transaction(async () => 'second');
    await expect(first).rejects.toThrow('x');
    await expect(second).resolves.toBe('second');
    expect(fake.opened()).toBe(2);
    expect(fake.closed()).toBe(1);
  });

  it('reads members and points back through the decoders', async () => {
    const fake = fakeDriver((sql) => {
      if (sql.includes('FROM "star"."DimCustomer"'))
        return [
          {
            c0: '9223372036854775807',
            c1: 42,
            c2: 'FR',
            c3: '0001-01-01-00.00.00.000000',
            c4: '9999-12-31-00.00.00.000000',
          },
        ];
      if (sql.includes('FROM "star"."_starling_points_DimCustomer"'))
        return [{ c0: 42, c1: '2020-01-01-00.00.00.000001', c2: 'p1', c3: 'FR' }];
      return undefined;
    });
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    const [members, points, none] = await wh.transaction(async (tx) => [
      await tx.readMembers(DimCustomer, [42]),
      await tx.readPoints(DimCustomer, [42]),
      await tx.readMembers(DimCustomer, []),
    ]);
    expect(members).toMatchObject([
      { key: 9223372036854775807n, naturalKey: 42, attributes: { country: 'FR' } },
    ]);
    expect(points).toMatchObject([{ naturalKey: 42, at: 1_577_836_800_000_001n, position: 'p1' }]);
    expect(none).toEqual([]);
    // An empty read issues no statement.
    expect(fake.first().filter((s) => s.startsWith('SELECT'))).toHaveLength(2);
  });

  it('re-points with the dimension natural key and the via key', async () => {
    const fake = fakeDriver();
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    await wh.transaction(async (tx) => {
      await tx.repointByVersion(FactSales, DimCustomer, [
        { naturalKey: 42, validFrom: 0n, validTo: 10n, keys: { customerkey: 5n, countryid: 6n } },
      ]);
      await tx.repointByMember(FactSales, DimItem, [{ viaKey: 1n, keys: { categoryid: 4n } }]);
      await tx.repointByMember(FactSales, DimItem, []);
    });
    const merges = fake.log.filter((l) => l.sql.startsWith('MERGE'));
    expect(merges.map((m) => m.sql.split('\n')[3])).toEqual([
      'ON T."customer_id" = S."customer_id" AND S."_starling_valid_from" <= T."event_time" AND T."event_time" < S."_starling_valid_to"',
      'ON T."itemid" = S."itemid"',
    ]);
  });
});

describe('Db2Warehouse model creation and reports', () => {
  it('creates the schema, the missing tables and indexes, the lock row and the missing reports', async () => {
    const fake = fakeDriver((sql) => {
      if (sql.startsWith('SELECT 1 FROM SYSCAT.SCHEMATA')) return [];
      if (sql.startsWith('SELECT TABNAME FROM SYSCAT.TABLES'))
        return [{ TABNAME: 'DimDate' }, { TABNAME: 'report_sales_rollup' }];
      if (sql.startsWith('SELECT INDNAME FROM SYSCAT.INDEXES')) return [{ INDNAME: 'FactSales_i1' }];
      // Another writer created this one first: tolerated.
      if (sql.startsWith('CREATE TABLE "star"."DimItem"'))
        return Object.assign(new Error('SQL0601N exists'), { sqlstate: '42710' });
      return undefined;
    });
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    await wh.ensureModel(softcartModel);
    expect(fake.first()).toEqual([
      'SELECT 1 FROM SYSCAT.SCHEMATA WHERE SCHEMANAME = ?',
      'CREATE SCHEMA "star"',
      'SELECT TABNAME FROM SYSCAT.TABLES WHERE TABSCHEMA = ?',
      'CREATE TABLE "star"."DimCategory" (',
      'CREATE TABLE "star"."DimItem" (',
      'CREATE TABLE "star"."DimCountry" (',
      'CREATE TABLE "star"."DimCustomer" (',
      'CREATE TABLE "star"."FactSales" (',
      'CREATE TABLE "star"."_starling_points_DimCustomer" (',
      'CREATE TABLE "star"."_starling_deleted_FactSales" (',
      'CREATE TABLE "star"."_starling_lock" (',
      'SELECT INDNAME FROM SYSCAT.INDEXES WHERE INDSCHEMA = ?',
      'CREATE INDEX "star"."FactSales_i2" ON "star"."FactSales" ("customer_id", "event_time")',
      'CREATE INDEX "star"."FactSales_i3" ON "star"."FactSales" ("customerkey")',
      'MERGE INTO "star"."_starling_lock" AS T',
      'SELECT TABNAME FROM SYSCAT.TABLES WHERE TABSCHEMA = ?',
      'CREATE VIEW "star"."report_sales_grouping_sets" AS',
      'CREATE VIEW "star"."report_sales_cube" AS',
      'CREATE TABLE "star"."total_sales_per_country" AS (',
      'REFRESH TABLE "star"."total_sales_per_country" ALLOW READ ACCESS NOT INCREMENTAL',
    ]);
    expect(fake.log.find((l) => l.sql.startsWith('MERGE INTO "star"."_starling_lock"'))!.params).toEqual([
      'softcart',
    ]);
    // No transaction: DDL runs in autocommit.
    expect(fake.first()).not.toContain('BEGIN');
  });

  it('propagates DDL errors other than "already exists", and frees the connection', async () => {
    const fake = fakeDriver((sql) =>
      sql.startsWith('CREATE SCHEMA')
        ? Object.assign(new Error('SQL0552N no authority'), { sqlstate: '42502' })
        : [],
    );
    const wh = new Db2Warehouse(URL, 'star', 1, async () => fake.driver);
    await expect(wh.ensureModel(softcartModel)).rejects.toThrow('SQL0552N');
    await expect(wh.transaction(async () => 'next')).resolves.toBe('next');
  });

  it('refreshes the materialized report; a model without the reports has none', async () => {
    const fake = fakeDriver();
    let loads = 0;
    const wh = new Db2Warehouse(URL, 'star', 1, async () => {
      loads++;
      return fake.driver;
    });
    await wh.refreshReports({ ...softcartModel, name: 'other', facts: [] });
    expect(loads).toBe(0);
    await wh.refreshReports(softcartModel);
    expect(fake.first()).toEqual([
      'REFRESH TABLE "star"."total_sales_per_country" ALLOW READ ACCESS NOT INCREMENTAL',
    ]);
  });
});

describe('Db2Warehouse without the driver', () => {
  const missing = () =>
    loadIbmDb(() =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'ibm_db'"), { code: 'ERR_MODULE_NOT_FOUND' }),
      ),
    );

  it('constructs, then fails its first use with a UserError saying how to install ibm_db', async () => {
    let loads = 0;
    const wh = new Db2Warehouse(URL, 'star', 1, () => {
      loads++;
      return missing();
    });
    const err = await wh.transaction(async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'DB2_DRIVER_MISSING' });
    expect((err as Error).message).toContain('npm install ibm_db');
    await expect(wh.ensureModel(softcartModel)).rejects.toMatchObject({ code: 'DB2_DRIVER_MISSING' });
    // Tried again on the next use (it may have been installed since).
    expect(loads).toBe(2);
  });

  it('the default loader reports the missing driver the same way (ibm_db is not installed here)', async () => {
    const err = await new Db2Warehouse(URL, 'star')
      .transaction(async () => undefined)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DB2_DRIVER_MISSING' });
  });

  it('rejects a bad URL at construction, without the password', () => {
    expect(() => new Db2Warehouse('db2://u:hunter2@h:1/', 'star')).toThrow(/STARLING_DB2_URL/);
    expect(() => new Db2Warehouse('db2://u:hunter2@h:1/', 'star')).not.toThrow(/hunter2/);
  });
});
