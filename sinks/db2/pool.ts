import { type Db2Connection, db2ConnectionString, type IbmDb } from './driver.js';

/**
 * The connection pool of both Db2 dialects (Db2Staging and Db2Warehouse): one implementation, so the two
 * cannot drift apart. At most `poolSize` connections are open; an acquire beyond that waits for a release.
 * The driver is loaded at the first connect, not at construction (ibm_db is optional), and loaded again
 * after a DB2_DRIVER* error (it may have been installed since). A connection released as broken is closed
 * and its slot goes to the next waiter, on a new connection.
 */
export class Db2Pool {
  private driver: Promise<IbmDb> | undefined;
  private readonly idle: Db2Connection[] = [];
  private open = 0;
  private readonly waiting: Array<{ resolve: (c: Db2Connection) => void; reject: (e: unknown) => void }> = [];
  private readonly connectionString: string;

  constructor(
    url: string,
    private readonly poolSize: number,
    private readonly load: () => Promise<IbmDb>,
  ) {
    // Validates the URL now (a config error should surface at start), without loading the driver.
    this.connectionString = db2ConnectionString(url);
  }

  async acquire(): Promise<Db2Connection> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.open >= this.poolSize) {
      return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    }
    return this.connect();
  }

  private async connect(): Promise<Db2Connection> {
    this.open++;
    try {
      this.driver ??= this.load();
      return await (await this.driver).open(this.connectionString);
    } catch (e) {
      this.open--;
      // A missing driver may be installed later: load it again next time.
      if ((e as { code?: string }).code?.startsWith('DB2_DRIVER')) this.driver = undefined;
      throw e;
    }
  }

  /** Returns a connection to the pool; a broken one is closed and its slot goes to the next waiter. */
  release(c: Db2Connection, broken = false): void {
    if (broken) {
      this.open--;
      c.close().catch(() => undefined);
      const next = this.waiting.shift();
      if (next) this.connect().then(next.resolve, next.reject);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(c);
    else this.idle.push(c);
  }

  /**
   * Runs fn on a pooled connection (autocommit: DDL and catalog reads). After fn throws, the connection is
   * not trusted and is released as broken (a reconnect is cheap here), unless `reusableAfter(error)` says
   * the error left it sound (e.g. a BadRecordError raised by the caller's own checks).
   */
  async withConnection<T>(
    fn: (conn: Db2Connection) => Promise<T>,
    opts: { reusableAfter?: (e: unknown) => boolean } = {},
  ): Promise<T> {
    const conn = await this.acquire();
    let broken = false;
    try {
      return await fn(conn);
    } catch (e) {
      broken = !opts.reusableAfter?.(e);
      throw e;
    } finally {
      this.release(conn, broken);
    }
  }

  /**
   * Closes the idle connections. Connections in use are not closed, and callers waiting for one are not
   * rejected: they keep waiting for a release.
   */
  async close(): Promise<void> {
    const all = this.idle.splice(0);
    this.open -= all.length;
    await Promise.all(all.map((c) => c.close().catch(() => undefined)));
  }
}
