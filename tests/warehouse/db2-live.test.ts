import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWarehouse } from '../../schemas/ddl/dialect-neutral.js';
import { softcartModel } from '../../schemas/softcart.js';
import type { Db2Connection } from '../../sinks/db2/driver.js';
import { db2ConnectionString, loadIbmDb } from '../../sinks/db2/driver.js';
import { Db2Staging } from '../../sinks/db2/staging-dialect.js';
import { Db2Warehouse } from '../../sinks/db2/warehouse-dialect.js';
import type { ChangeEvent, ColumnSpec } from '../../sinks/envelope/types.js';
import type { WarehouseDialect } from '../../sinks/warehouse/dialect.js';
import { testConfig, uniqueName } from '../support/context.js';
import { conformanceSuite } from './conformance.js';

// The Db2 staging mirror against a real Db2 server. None can run on these machines (no image, and the
// ibm_db driver downloads IBM's CLI driver at install), so this runs only where STARLING_DB2_URL is set.
const config = testConfig();

const columns: ColumnSpec[] = [
  { name: 'id', kind: 'int32', optional: false },
  { name: 'name', kind: 'string', optional: true },
  { name: 'price', kind: 'decimal', optional: true, precision: 10, scale: 2 },
  { name: 'active', kind: 'boolean', optional: true },
  { name: 'updated', kind: 'timestamp', optional: true, scale: 6 },
  { name: 'duration', kind: 'time', optional: true, scale: 6 },
];

describe.skipIf(!config.db2)(
  'Db2 staging mirror (needs a Db2 server: set STARLING_DB2_URL; none can run on these machines)',
  () => {
    const schema = uniqueName('IT_DB2').toUpperCase();
    const table = { namespace: schema, name: 'items' };
    let staging: Db2Staging;
    let conn: Db2Connection;

    const event = (
      op: ChangeEvent['op'],
      position: string,
      row: Record<string, string | number | boolean | null> | null,
    ): ChangeEvent => ({
      table,
      op,
      keyColumns: ['id'],
      key: { id: 1 },
      row,
      columns,
      position,
      sourceTsMs: Date.UTC(2024, 0, 1),
    });
    const row = (name: string) => ({
      id: 1,
      name,
      price: '12.34',
      active: true,
      updated: '2024-01-01T10:00:00.123456',
      duration: '-838:59:59.000000',
    });
    const read = () =>
      conn.query<Record<string, unknown>>(
        `SELECT "id", "name", "price", "active", "duration", "_starling_pos" FROM "${schema}"."items"`,
      );

    beforeAll(async () => {
      staging = new Db2Staging(config.db2!.url);
      conn = await (await loadIbmDb()).open(db2ConnectionString(config.db2!.url));
    });

    afterAll(async () => {
      await staging?.close();
      if (!conn) return;
      for (const t of ['items', '__starling_deleted_keys'])
        await conn.query(`DROP TABLE "${schema}"."${t}"`).catch(() => undefined);
      await conn.query(`DROP SCHEMA "${schema}" RESTRICT`).catch(() => undefined);
      await conn.close();
    });

    it('creates the table, upserts, ignores an older redelivery, deletes and re-inserts', async () => {
      await staging.prepare(table, ['id'], columns);
      await staging.apply(table, [event('c', 'b:0000000002', row('first'))]);
      expect(await read()).toMatchObject([{ name: 'first', active: 1, _starling_pos: 'b:0000000002' }]);
      const [stored] = await read();
      expect(String(stored!.price)).toBe('12.34');
      expect(Number(stored!.duration)).toBe(-3020399);

      // An older copy redelivered after the newer change changes nothing.
      await staging.apply(table, [event('u', 'b:0000000001', row('older'))]);
      expect((await read())[0]).toMatchObject({ name: 'first' });

      await staging.apply(table, [event('u', 'b:0000000003', row('second'))]);
      expect((await read())[0]).toMatchObject({ name: 'second', _starling_pos: 'b:0000000003' });

      await staging.apply(table, [event('d', 'b:0000000004', null)]);
      expect(await read()).toEqual([]);

      // A redelivered insert older than the delete cannot bring the row back.
      await staging.apply(table, [event('c', 'b:0000000003', row('resurrected'))]);
      expect(await read()).toEqual([]);

      // A newer insert of the same key (re-created at the source) lands.
      await staging.apply(table, [event('c', 'b:0000000005', row('again'))]);
      expect(await read()).toMatchObject([{ name: 'again', _starling_pos: 'b:0000000005' }]);
    });
  },
);

describe.skipIf(!config.db2)(
  'warehouse dialect conformance: Db2 (needs a Db2 server: set STARLING_DB2_URL; none can run on these machines)',
  () => {
    const schemas: string[] = [];
    let conn: Db2Connection;
    beforeAll(async () => {
      conn = await (await loadIbmDb()).open(db2ConnectionString(config.db2!.url));
    });
    afterAll(async () => {
      if (!conn) return;
      for (const s of schemas) {
        for (const t of planWarehouse(softcartModel))
          await conn.query(`DROP TABLE "${s}"."${t.name}"`).catch(() => undefined);
        await conn.query(`DROP SCHEMA "${s}" RESTRICT`).catch(() => undefined);
      }
      await conn.close();
    });
    const schemaOf = (d: WarehouseDialect) => (d as Db2Warehouse).schema;
    conformanceSuite({
      async fresh() {
        const schema = uniqueName('IT_CONF').toUpperCase();
        schemas.push(schema);
        const d = new Db2Warehouse(config.db2!.url, schema);
        await d.ensureModel(softcartModel);
        return d;
      },
      async snapshot(d) {
        const out: Record<string, unknown[]> = {};
        for (const t of planWarehouse(softcartModel)) {
          const cols = t.columns
            .map((c) =>
              c.type.type === 'timestamp' || c.type.type === 'date'
                ? `VARCHAR_FORMAT("${c.name}", 'YYYY-MM-DD HH24:MI:SS.FF6') AS "${c.name}"`
                : `CAST("${c.name}" AS VARCHAR(400)) AS "${c.name}"`,
            )
            .join(', ');
          const order = t.primaryKey.map((k) => `"${k}"`).join(', ');
          out[t.name] = await conn.query(
            `SELECT ${cols} FROM "${schemaOf(d)}"."${t.name}" ORDER BY ${order}`,
          );
        }
        return out;
      },
      async facts(d) {
        const q = (t: string) => `"${schemaOf(d)}"."${t}"`;
        const rows = await conn.query<Record<string, unknown>>(
          `SELECT f."orderid", cu."customer_id", co."country", cat."category", i."product_id"
             FROM ${q('FactSales')} f
             LEFT JOIN ${q('DimCustomer')} cu ON cu."customerkey" = f."customerkey"
             LEFT JOIN ${q('DimCountry')} co ON co."countryid" = f."countryid"
             LEFT JOIN ${q('DimCategory')} cat ON cat."categoryid" = f."categoryid"
             LEFT JOIN ${q('DimItem')} i ON i."itemid" = f."itemid"`,
        );
        const s = (v: unknown) => (v === null ? '∅' : String(v));
        return new Map(
          rows.map((r) => [
            Number(r.orderid),
            [r.customer_id, r.country, r.category, r.product_id].map(s).join('|'),
          ]),
        );
      },
    });
  },
);
