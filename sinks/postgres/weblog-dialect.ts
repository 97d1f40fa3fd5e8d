import type pg from 'pg';
import { planWarehouse, renderTables } from '../../schemas/ddl/dialect-neutral.js';
import { postgresDialect } from '../../schemas/ddl/postgres.js';
import type { StarModel } from '../../schemas/model/types.js';
import type { DateRow } from '../../streams/date-dimension.js';
import type { WebRequestRow } from '../../streams/weblog/request-row.js';
import { WEB_REQUEST_FACT, type WeblogWarehouse } from '../weblog/dialect.js';
import { sinkPool } from './pool.js';
import { ident } from './sql.js';

/**
 * The web-request fact in PostgreSQL, in the star's schema beside its date dimension. The fact is not part
 * of the star model (it has no dimension but the date, and no source table): its DDL is here. The date
 * dimension is the star's own: created from the same plan as the warehouse sink creates it (under the same
 * DDL advisory lock) when the star is not there yet, and filled the same way (INSERT … ON CONFLICT DO
 * NOTHING of streams/date-dimension.ts rows).
 */
export class PostgresWeblog implements WeblogWarehouse {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    readonly schema: string,
    private readonly model: StarModel,
  ) {
    this.pool = sinkPool(url, 2);
  }

  private t(name: string): string {
    return `${ident(this.schema)}.${ident(name)}`;
  }

  async ensureTables(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`starling.ddl.${this.schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`);
      const dd = this.model.dateDimension;
      const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS e', [this.t(dd.name)]);
      if (!exists.rows[0].e) {
        const plan = planWarehouse(this.model).filter((p) => p.kind === 'date-dimension');
        for (const sql of renderTables(plan, postgresDialect, { schema: this.schema })) await c.query(sql);
      }
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${this.t(WEB_REQUEST_FACT)} (
          source_topic text NOT NULL,
          source_partition integer NOT NULL,
          source_offset bigint NOT NULL,
          file_inode bigint NOT NULL,
          file_offset bigint NOT NULL,
          ${ident(dd.surrogateKey)} integer NOT NULL,
          client_ip text NOT NULL,
          time timestamptz NOT NULL,
          utc_offset_minutes smallint NOT NULL,
          request text,
          method text,
          path text,
          protocol text,
          status smallint NOT NULL,
          bytes bigint,
          referer text,
          user_agent text,
          line text NOT NULL,
          _starling_loaded_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (source_topic, source_partition, source_offset)
        )`,
      );
      // The archive reads a day's lines in stream order.
      await c.query(
        `CREATE INDEX IF NOT EXISTS ${ident(`${WEB_REQUEST_FACT}_day`)} ON ${this.t(WEB_REQUEST_FACT)} (${ident(dd.surrogateKey)}, source_topic, source_partition, source_offset)`,
      );
    });
  }

  async write(dates: DateRow[], rows: WebRequestRow[]): Promise<void> {
    if (rows.length === 0 && dates.length === 0) return;
    const dd = this.model.dateDimension;
    await this.tx(async (c) => {
      if (dates.length > 0) {
        const f = <K extends keyof DateRow>(k: K) => dates.map((r) => r[k]);
        await c.query(
          `INSERT INTO ${this.t(dd.name)} (${ident(dd.surrogateKey)}, date, year, quarter, quartername, month, monthname, day, weekday, weekdayname)
           SELECT * FROM unnest($1::integer[], $2::date[], $3::integer[], $4::integer[], $5::text[], $6::integer[], $7::text[], $8::integer[], $9::integer[], $10::text[])
           ON CONFLICT DO NOTHING`,
          [
            f('dateid'),
            f('date'),
            f('year'),
            f('quarter'),
            f('quartername'),
            f('month'),
            f('monthname'),
            f('day'),
            f('weekday'),
            f('weekdayname'),
          ],
        );
      }
      if (rows.length === 0) return;
      const v = <K extends keyof WebRequestRow>(k: K) => rows.map((r) => r[k]);
      await c.query(
        `INSERT INTO ${this.t(WEB_REQUEST_FACT)} (source_topic, source_partition, source_offset, file_inode, file_offset,
           ${ident(dd.surrogateKey)}, client_ip, time, utc_offset_minutes, request, method, path, protocol, status, bytes,
           referer, user_agent, line)
         SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[], $5::bigint[], $6::integer[],
           $7::text[], $8::timestamptz[], $9::smallint[], $10::text[], $11::text[], $12::text[], $13::text[],
           $14::smallint[], $15::bigint[], $16::text[], $17::text[], $18::text[])
         ON CONFLICT DO NOTHING`,
        [
          v('sourceTopic'),
          v('sourcePartition'),
          v('sourceOffset'),
          v('fileInode'),
          v('fileOffset'),
          v('dateid'),
          v('clientIp'),
          v('time'),
          v('utcOffsetMinutes'),
          v('request'),
          v('method'),
          v('path'),
          v('protocol'),
          v('status'),
          v('bytes'),
          v('referer'),
          v('userAgent'),
          v('line'),
        ],
      );
    });
  }

  async linesOfDay(dateid: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ line: string }>(
      `SELECT line FROM ${this.t(WEB_REQUEST_FACT)} WHERE ${ident(this.model.dateDimension.surrogateKey)} = $1
       ORDER BY source_topic, source_partition, source_offset`,
      [dateid],
    );
    return rows.map((r) => r.line);
  }

  async days(): Promise<number[]> {
    const key = ident(this.model.dateDimension.surrogateKey);
    const { rows } = await this.pool.query<{ d: number }>(
      `SELECT DISTINCT ${key} AS d FROM ${this.t(WEB_REQUEST_FACT)} ORDER BY 1`,
    );
    return rows.map((r) => r.d);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async tx(fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await fn(c);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }
}
