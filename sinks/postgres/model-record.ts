import type pg from 'pg';
import { UserError } from '../../core/errors/user-error.js';
import { renderTables } from '../../schemas/ddl/dialect-neutral.js';
import { postgresDialect } from '../../schemas/ddl/postgres.js';
import {
  canonicalJson,
  MODEL_TABLE,
  type ModelRecord,
  modelHash,
  modelTablePlan,
} from '../../schemas/migrate/model-record.js';
import type { StarModel } from '../../schemas/model/types.js';
import { ident } from './sql.js';

/**
 * The model record of a PostgreSQL warehouse (schemas/migrate/model-record.ts): read, written, and checked
 * by the warehouse sink at start. Every function runs on a client the caller holds inside its transaction
 * (with the schema's DDL advisory lock), so a check and the DDL it guards cannot interleave with a migration.
 */
const table = (schema: string) => `${ident(schema)}.${ident(MODEL_TABLE)}`;

export async function readModelRecord(c: pg.ClientBase, schema: string): Promise<ModelRecord | undefined> {
  const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS e', [
    `${ident(schema)}.${ident(MODEL_TABLE)}`,
  ]);
  if (!exists.rows[0].e) return undefined;
  const { rows } = await c.query(
    `SELECT version, hash, model, to_char(applied_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS applied_at, applied_by
       FROM ${table(schema)} ORDER BY version DESC LIMIT 1`,
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    version: r.version,
    hash: r.hash,
    model: JSON.parse(r.model) as StarModel,
    appliedAt: r.applied_at,
    appliedBy: r.applied_by,
  };
}

export async function writeModelRecord(
  c: pg.ClientBase,
  schema: string,
  model: StarModel,
  by: 'run' | 'migrate',
): Promise<void> {
  await c.query(
    `INSERT INTO ${table(schema)} (version, hash, model, applied_at, applied_by)
     SELECT COALESCE(MAX(version), 0) + 1, $1, $2, now() AT TIME ZONE 'UTC', $3 FROM ${table(schema)}`,
    [modelHash(model), canonicalJson(model), by],
  );
}

/**
 * At the warehouse sink's start, before any DDL: a star recorded with another model is refused (one
 * message saying how to migrate); a star without a record (new, or created before models were recorded)
 * gets its table, and the caller records the model once its tables exist.
 * Returns whether the model still has to be recorded.
 */
export async function checkModelRecord(c: pg.ClientBase, schema: string, model: StarModel): Promise<boolean> {
  const recorded = await readModelRecord(c, schema);
  if (recorded && recorded.hash !== modelHash(model))
    throw new UserError(
      `The warehouse schema "${schema}" holds model "${recorded.model.name}" version ${recorded.version} (${recorded.hash.slice(0, 12)}, applied ${recorded.appliedAt} by ${recorded.appliedBy}), but this process runs another model (${modelHash(model).slice(0, 12)}). Stop the pipeline, run \`starling migrate plan\` to see the migration and \`starling migrate apply\` to apply it, then start again.`,
      'MODEL_MISMATCH',
    );
  if (recorded) return false;
  for (const sql of renderTables([modelTablePlan()], postgresDialect, { schema }))
    await c.query(sql.replace(/^CREATE TABLE /, 'CREATE TABLE IF NOT EXISTS '));
  return true;
}
