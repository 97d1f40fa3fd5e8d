/**
 * Facts about a target PostgreSQL database (staging or warehouse), read as the user Starling's sinks
 * connect with. The only I/O of the PostgreSQL checks.
 */
import pg from 'pg';
import type { StarlingConfig } from '../../core/config/load.js';
import { redactUrl } from '../../core/config/redact.js';
import { softcartModel } from '../../schemas/softcart.js';

export type TargetRole = 'staging' | 'warehouse';

export interface SchemaFacts {
  name: string;
  exists: boolean;
  usage: boolean;
  create: boolean;
  /** schema.table of tables and materialized views whose owner the user is not (and does not inherit) */
  notOwned: Array<{ table: string; owner: string }>;
}

export interface PostgresFacts {
  role: TargetRole;
  /** the URL, password masked */
  address: string;
  version: string;
  user: string;
  database: string;
  superuser: boolean;
  canConnect: boolean;
  canCreate: boolean;
  trackCommitTimestamp: string;
  /** the schemas Starling writes in this database */
  schemas: SchemaFacts[];
}

/**
 * The product catalog (MongoDB, or its stand-in topic) is mirrored into this staging schema beside the
 * source databases' schemas.
 */
const CATALOG_SCHEMA = 'catalog';

/** The schemas Starling creates and alters in each target: one per source database, the star's one. */
export function targetSchemas(config: StarlingConfig, role: TargetRole): string[] {
  if (role === 'warehouse') return [config.pipeline.warehouseSchema ?? softcartModel.name];
  return [...new Set([...config.topics.sourceDatabases, CATALOG_SCHEMA])];
}

export function targetUrl(config: StarlingConfig, role: TargetRole): string {
  return role === 'staging' ? config.postgres.stagingUrl : config.postgres.warehouseUrl;
}

export async function gatherPostgres(config: StarlingConfig, role: TargetRole): Promise<PostgresFacts> {
  const url = targetUrl(config, role);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const who = await client.query<{
      user: string;
      database: string;
      superuser: boolean;
      can_connect: boolean;
      can_create: boolean;
      version: string;
      track: string;
    }>(`SELECT current_user AS user, current_database() AS database,
               COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
               has_database_privilege(current_database(), 'CONNECT') AS can_connect,
               has_database_privilege(current_database(), 'CREATE') AS can_create,
               current_setting('server_version') AS version,
               current_setting('track_commit_timestamp') AS track`);
    const w = who.rows[0]!;
    const names = targetSchemas(config, role);
    const schemas = await client.query<{ name: string; usage: boolean; create: boolean }>(
      `SELECT nspname AS name, has_schema_privilege(oid, 'USAGE') AS usage, has_schema_privilege(oid, 'CREATE') AS create
         FROM pg_namespace WHERE nspname = ANY($1::text[])`,
      [names],
    );
    // ALTER TABLE and REFRESH MATERIALIZED VIEW need ownership, or membership (with inherit) in the owner role.
    const foreign = await client.query<{ schema: string; table: string; owner: string }>(
      `SELECT n.nspname AS schema, c.relname AS table, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'm')
          AND NOT pg_has_role(current_user, c.relowner, 'USAGE')
        ORDER BY 1, 2`,
      [names],
    );
    return {
      role,
      address: redactUrl(url),
      version: w.version,
      user: w.user,
      database: w.database,
      superuser: w.superuser,
      canConnect: w.can_connect,
      canCreate: w.can_create,
      trackCommitTimestamp: w.track,
      schemas: names.map((name) => {
        const s = schemas.rows.find((r) => r.name === name);
        return {
          name,
          exists: s !== undefined,
          usage: s?.usage ?? false,
          create: s?.create ?? false,
          notOwned: foreign.rows
            .filter((r) => r.schema === name)
            .map((r) => ({ table: `${r.schema}.${r.table}`, owner: r.owner })),
        };
      }),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
