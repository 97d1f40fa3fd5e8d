import { describe, expect, it } from 'vitest';
import type { ChangeEvent, ColumnSpec } from '../envelope/types.js';
import { BadRecordError } from '../envelope/types.js';
import { compatibility } from './catalog.js';
import type { Db2Connection, Db2Param, IbmDb } from './driver.js';
import { Db2Staging } from './staging-dialect.js';

const columns: ColumnSpec[] = [
  { name: 'id', kind: 'int32', optional: false },
  { name: 'doc', kind: 'json', optional: true },
];
const table = { namespace: 'shop', name: 'orders' };
const event = (id: number, op: ChangeEvent['op'], pos: string): ChangeEvent => ({
  table,
  op,
  keyColumns: ['id'],
  key: { id },
  row: op === 'd' ? null : { id, doc: '{}' },
  columns,
  position: pos,
  sourceTsMs: 0,
});

/** A fake ibm_db that records what it is asked to run. */
function fakeDriver() {
  const log: Array<{ sql: string; params?: Db2Param[] }> = [];
  let opened = 0;
  const conn: Db2Connection = {
    query: async (sql: string, params?: Db2Param[]) => {
      log.push({ sql, params });
      return [] as never[];
    },
    beginTransaction: async () => void log.push({ sql: 'BEGIN' }),
    commitTransaction: async () => void log.push({ sql: 'COMMIT' }),
    rollbackTransaction: async () => void log.push({ sql: 'ROLLBACK' }),
    close: async () => undefined,
  };
  const driver: IbmDb = {
    open: async () => {
      opened++;
      return conn;
    },
  };
  return { driver, log, opened: () => opened };
}

describe('Db2Staging', () => {
  it('does not load the driver until it is used', async () => {
    let loads = 0;
    const staging = new Db2Staging('db2://u:p@h:1/DB', 2, async () => {
      loads++;
      return fakeDriver().driver;
    });
    expect(loads).toBe(0);
    await staging.apply(table, [event(1, 'c', 'b:1')]);
    expect(loads).toBe(1);
    await staging.close();
  });

  it('applies deletes and upserts in one transaction, 500 rows per MERGE, values as parameters', async () => {
    const fake = fakeDriver();
    const staging = new Db2Staging('db2://u:p@h:1/DB', 2, async () => fake.driver);
    const events = [
      ...Array.from({ length: 1001 }, (_, i) => event(i, 'c', `b:${i}`)),
      event(5000, 'd', 'b:9'),
    ];
    await staging.apply(table, events);
    const sqls = fake.log.map((l) => l.sql.split('\n')[0]);
    expect(sqls).toEqual([
      'BEGIN',
      'DELETE FROM "shop"."orders" AS T',
      'MERGE INTO "shop"."__starling_deleted_keys" AS X',
      'MERGE INTO "shop"."orders" AS T',
      'MERGE INTO "shop"."orders" AS T',
      'MERGE INTO "shop"."orders" AS T',
      'COMMIT',
    ]);
    const merges = fake.log.filter((l) => l.sql.startsWith('MERGE INTO "shop"."orders"'));
    expect(merges.map((m) => (m.params!.length - 1) / 6)).toEqual([500, 500, 1]);
    for (const m of merges) expect(m.params!.length).toBe(m.sql.match(/\?/g)!.length);
    expect(merges[0]!.params!.at(-1)).toBe('orders');
    expect(merges[0]!.params![5]).toEqual({ ParamType: 'INPUT', DataType: 'CLOB', Data: '{}' });
    expect(fake.opened()).toBe(1);
  });

  it('rolls back when a statement fails', async () => {
    const fake = fakeDriver();
    const failing: IbmDb = {
      open: async () => {
        const c = await fake.driver.open('');
        return { ...c, query: async () => Promise.reject(new Error('SQL0911N deadlock')) };
      },
    };
    const staging = new Db2Staging('db2://u:p@h:1/DB', 1, async () => failing);
    await expect(staging.apply(table, [event(1, 'c', 'b:1')])).rejects.toThrow('deadlock');
    expect(fake.log.map((l) => l.sql)).toEqual(['BEGIN', 'ROLLBACK']);
  });

  it("hands a broken connection's slot to the next waiter", async () => {
    let opened = 0;
    const driver: IbmDb = {
      open: async () => {
        const n = ++opened;
        const ok = fakeDriver();
        const c = await ok.driver.open('');
        if (n > 1) return c;
        return {
          ...c,
          query: () => Promise.reject(new Error('SQL30081N connection lost')),
          rollbackTransaction: () => Promise.reject(new Error('SQL30081N connection lost')),
        };
      },
    };
    const staging = new Db2Staging('db2://u:p@h:1/DB', 1, async () => driver);
    const first = staging.apply(table, [event(1, 'c', 'b:1')]);
    const second = staging.apply(table, [event(2, 'c', 'b:2')]);
    await expect(first).rejects.toThrow('connection lost');
    await expect(second).resolves.toBeUndefined();
    expect(opened).toBe(2);
  });

  it('rejects a bad URL at construction, without the password', () => {
    expect(() => new Db2Staging('db2://u:hunter2@h:1/')).toThrow(/STARLING_DB2_URL/);
    expect(() => new Db2Staging('db2://u:hunter2@h:1/')).not.toThrow(/hunter2/);
  });
});

describe('Db2 column compatibility', () => {
  const col = (typeName: string, length = 0, scale = 0) => ({ name: 'c', typeName, length, scale });
  it('widens integers, floats, decimals and timestamps; rejects the rest', () => {
    expect(compatibility(col('SMALLINT', 2), { name: 'c', kind: 'int64', optional: true })).toBe('BIGINT');
    expect(compatibility(col('BIGINT', 8), { name: 'c', kind: 'int16', optional: true })).toBeNull();
    expect(compatibility(col('REAL', 4), { name: 'c', kind: 'float64', optional: true })).toBe('DOUBLE');
    expect(
      compatibility(col('DECIMAL', 10, 2), {
        name: 'c',
        kind: 'decimal',
        optional: true,
        precision: 12,
        scale: 4,
      }),
    ).toBe('DECIMAL(12,4)');
    expect(
      compatibility(col('DECIMAL', 30, 0), {
        name: 'c',
        kind: 'decimal',
        optional: true,
        precision: 10,
        scale: 5,
      }),
    ).toBe('DECFLOAT(34)');
    expect(
      compatibility(col('TIMESTAMP', 10, 3), { name: 'c', kind: 'timestamp', optional: true, scale: 6 }),
    ).toBe('TIMESTAMP(6)');
    expect(() =>
      compatibility(col('DECIMAL', 10, 4), {
        name: 'c',
        kind: 'decimal',
        optional: true,
        precision: 10,
        scale: 2,
      }),
    ).toThrow(BadRecordError);
    expect(() => compatibility(col('INTEGER', 4), { name: 'c', kind: 'string', optional: true })).toThrow(
      BadRecordError,
    );
  });
});
