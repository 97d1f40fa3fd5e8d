import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import type { Db2Connection, IbmDb } from './driver.js';
import { Db2Pool } from './pool.js';

const URL = 'db2://u:p@h:1/DB';

type FakeConnection = Db2Connection & { id: number; closed: boolean };

/**
 * A fake ibm_db (no Db2 server involved): `open(attempt)` may fail the attempt-th open (from 1); the
 * connections opened are numbered from 1.
 */
function fakeDriver(open: (attempt: number) => Error | undefined = () => undefined) {
  const connections: FakeConnection[] = [];
  let attempts = 0;
  const driver: IbmDb = {
    open: async () => {
      const failure = open(++attempts);
      if (failure) throw failure;
      const c: FakeConnection = {
        id: connections.length + 1,
        closed: false,
        query: async <Row>() => [] as Row[],
        beginTransaction: async () => undefined,
        commitTransaction: async () => undefined,
        rollbackTransaction: async () => undefined,
        close: async () => {
          c.closed = true;
        },
      };
      connections.push(c);
      return c;
    },
  };
  return { driver, connections };
}

/** Whether the promise has settled after the pending microtasks and I/O callbacks have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('Db2Pool', () => {
  it('validates the URL at construction, without loading the driver', () => {
    let loads = 0;
    const load = async () => {
      loads++;
      return fakeDriver().driver;
    };
    expect(() => new Db2Pool('db2://u:hunter2@h:1/', 1, load)).toThrow(/STARLING_DB2_URL/);
    expect(() => new Db2Pool('db2://u:hunter2@h:1/', 1, load)).not.toThrow(/hunter2/);
    new Db2Pool(URL, 1, load);
    expect(loads).toBe(0);
  });

  it('opens at most poolSize connections; a waiter gets the released connection', async () => {
    const fake = fakeDriver();
    const pool = new Db2Pool(URL, 2, async () => fake.driver);
    const a = await pool.acquire();
    const b = await pool.acquire();
    const waiter = pool.acquire();
    expect(await settled(waiter)).toBe(false);
    expect(fake.connections).toHaveLength(2);
    pool.release(b);
    expect(await waiter).toBe(b);
    expect(fake.connections).toHaveLength(2);
    expect((b as FakeConnection).closed).toBe(false);
    // With no waiter, a released connection goes back to the pool and is reused.
    pool.release(a);
    expect(await pool.acquire()).toBe(a);
    expect(fake.connections).toHaveLength(2);
  });

  it('closes a broken connection and opens a new one for the waiter', async () => {
    const fake = fakeDriver();
    const pool = new Db2Pool(URL, 1, async () => fake.driver);
    const first = (await pool.acquire()) as FakeConnection;
    const waiter = pool.acquire();
    expect(await settled(waiter)).toBe(false);
    pool.release(first, true);
    const second = (await waiter) as FakeConnection;
    expect(first.closed).toBe(true);
    expect(second).not.toBe(first);
    expect(second.closed).toBe(false);
    expect(fake.connections.map((c) => c.id)).toEqual([1, 2]);
  });

  it("passes a failed reconnect to the broken connection's waiter and frees the slot", async () => {
    const fake = fakeDriver((n) => (n === 2 ? new Error('SQL30081N connection refused') : undefined));
    const pool = new Db2Pool(URL, 1, async () => fake.driver);
    const first = await pool.acquire();
    const waiter = pool.acquire();
    pool.release(first, true);
    await expect(waiter).rejects.toThrow('SQL30081N');
    await expect(pool.acquire()).resolves.toMatchObject({ id: 2 });
  });

  it('loads the driver again on the next acquire after a missing-driver error', async () => {
    const fake = fakeDriver();
    let loads = 0;
    const pool = new Db2Pool(URL, 1, async () => {
      loads++;
      if (loads === 1) throw new UserError('ibm_db is not installed', 'DB2_DRIVER_MISSING');
      return fake.driver;
    });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'DB2_DRIVER_MISSING' });
    expect(loads).toBe(1);
    // The failed attempt gave its slot back: the pool of one is not exhausted.
    await expect(pool.acquire()).resolves.toMatchObject({ id: 1 });
    expect(loads).toBe(2);
  });

  it('keeps the loaded driver after an error that is not the driver', async () => {
    const fake = fakeDriver((n) => (n === 1 ? new Error('SQL30081N connection refused') : undefined));
    let loads = 0;
    const pool = new Db2Pool(URL, 1, async () => {
      loads++;
      return fake.driver;
    });
    await expect(pool.acquire()).rejects.toThrow('SQL30081N');
    await expect(pool.acquire()).resolves.toMatchObject({ id: 1 });
    expect(loads).toBe(1);
  });

  it('withConnection releases the connection; after an error it is broken unless reusableAfter says not', async () => {
    const fake = fakeDriver();
    const pool = new Db2Pool(URL, 1, async () => fake.driver);
    await expect(pool.withConnection(async (c) => (c as FakeConnection).id)).resolves.toBe(1);
    const kept = new Error('a bad record, not the connection');
    await expect(
      pool.withConnection(
        async () => {
          throw kept;
        },
        { reusableAfter: (e) => e === kept },
      ),
    ).rejects.toBe(kept);
    expect(fake.connections.map((c) => c.closed)).toEqual([false]);
    await expect(
      pool.withConnection(async () => {
        throw new Error('SQL0552N');
      }),
    ).rejects.toThrow('SQL0552N');
    expect(fake.connections.map((c) => c.closed)).toEqual([true]);
    await expect(pool.withConnection(async (c) => (c as FakeConnection).id)).resolves.toBe(2);
  });

  it('close closes the idle connections and frees their slots', async () => {
    const fake = fakeDriver();
    const pool = new Db2Pool(URL, 2, async () => fake.driver);
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(a);
    await pool.close();
    expect(fake.connections.map((c) => c.closed)).toEqual([true, false]);
    // The closed connection's slot is free again: a new connection is opened without waiting for b.
    await expect(pool.acquire()).resolves.toMatchObject({ id: 3 });
    pool.release(b);
  });
});
