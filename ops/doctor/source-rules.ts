/**
 * The rules for a source MariaDB/MySQL that Debezium captures: pure functions of SourceFacts.
 * Sources of truth: Debezium's MariaDB and MySQL connector setup pages (binlog settings, the capture
 * user's privileges, the signal table) and Starling's own needs (full row images for the sinks, primary
 * keys for upserts and backfill, binlogs kept long enough for a stopped connector to resume).
 */
import { type Grant, grantedRoles, hasGlobal, hasOnDatabase, hasOnTable, parseGrants } from './grants.js';
import type { SourceFacts } from './source-facts.js';
import { type Finding, humanDuration, ok, problem, warn } from './types.js';

const S = 'source' as const;

export interface Flavour {
  name: 'MariaDB' | 'MySQL';
  major: number;
  minor: number;
}

export function flavourOf(version: string): Flavour {
  const [major = 0, minor = 0] = (/^(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return { name: /mariadb/i.test(version) ? 'MariaDB' : 'MySQL', major, minor };
}

const sqlString = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const account = (f: SourceFacts) => `${sqlString(f.account.user)}@${sqlString(f.account.host)}`;
const ident = (s: string) => `\`${s.replaceAll('`', '``')}\``;
const setting = (name: string, value: string) =>
  `in my.cnf under [mysqld]: ${name}=${value}, then restart the server (SET GLOBAL ${name}=${value} lasts until the next restart)`;

export function flavourRule(f: SourceFacts): Finding {
  const fl = flavourOf(f.version);
  const connector = f.connector.className.split('.').pop();
  if (fl.name === 'MySQL' && /mariadb/i.test(f.connector.className))
    return problem(
      S,
      'server flavour',
      `MySQL ${f.version}, but Starling registers ${connector}`,
      "MySQL's binlog GTIDs and replication protocol differ from MariaDB's: the MariaDB connector cannot capture MySQL",
      'register the Debezium MySQL connector (connector.class=io.debezium.connector.mysql.MySqlConnector) with the same settings as `starling connectors register`, which registers the MariaDB one only',
    );
  return ok(S, 'server flavour', `${fl.name} ${f.version} (${connector})`);
}

const isOn = (v: string | undefined) => v !== undefined && ['ON', '1', 'TRUE'].includes(v.toUpperCase());

export function logBinRule(f: SourceFacts): Finding {
  if (isOn(f.variables.log_bin)) return ok(S, 'log_bin', 'ON');
  return problem(
    S,
    'log_bin',
    `${f.variables.log_bin ?? 'unknown'} (no binary log)`,
    'Debezium reads changes from the binary log: without it nothing is captured',
    'in my.cnf under [mysqld]: log-bin=mysql-bin (a path prefix), then restart the server',
  );
}

export function binlogFormatRule(f: SourceFacts): Finding {
  const v = f.variables.binlog_format;
  if (v?.toUpperCase() === 'ROW') return ok(S, 'binlog_format', 'ROW');
  return problem(
    S,
    'binlog_format',
    `${v ?? 'unknown'}`,
    'Debezium needs row events: STATEMENT and MIXED binlogs carry SQL text, not the changed rows',
    setting('binlog_format', 'ROW'),
  );
}

export function binlogRowImageRule(f: SourceFacts): Finding {
  const v = f.variables.binlog_row_image;
  if (v === undefined || v.toUpperCase() === 'FULL') return ok(S, 'binlog_row_image', v ?? 'FULL (default)');
  return problem(
    S,
    'binlog_row_image',
    v,
    'with MINIMAL or NOBLOB an update carries only some columns: the staging mirror and the star would receive nulls for the rest',
    setting('binlog_row_image', 'FULL'),
  );
}

/** MySQL 8 only: MariaDB has the variable too, but Debezium's MariaDB connector never reads it. */
export function binlogRowMetadataRule(f: SourceFacts): Finding | undefined {
  const fl = flavourOf(f.version);
  const v = f.variables.binlog_row_metadata;
  if (fl.name !== 'MySQL' || fl.major < 8 || v === undefined) return undefined;
  if (v.toUpperCase() === 'FULL') return ok(S, 'binlog_row_metadata', 'FULL');
  return warn(
    S,
    'binlog_row_metadata',
    v,
    'with MINIMAL, row events carry no column names: a schema history that drifted from the table (DDL missed while the connector was down) maps columns by position, silently',
    setting('binlog_row_metadata', 'FULL'),
  );
}

/** MariaDB's binlog compression: Starling's stack keeps it off, and the Debezium readers treat compressed events as a special case. */
export function binlogCompressionRule(f: SourceFacts): Finding | undefined {
  const v = f.variables.log_bin_compress;
  if (v === undefined) return undefined;
  if (!isOn(v)) return ok(S, 'log_bin_compress', 'OFF');
  return warn(
    S,
    'log_bin_compress',
    'ON',
    "compressed row events are read only by recent binlog clients; Starling's stack and its tests run with compression off",
    setting('log_bin_compress', 'OFF'),
  );
}

export function serverIdRule(f: SourceFacts): Finding {
  const id = Number(f.variables.server_id ?? 0);
  if (id === 0)
    return problem(
      S,
      'server_id',
      '0 (not set)',
      'a server without a server id does not write a binlog replicas (and Debezium, which connects as one) can follow',
      setting('server_id', '1 (any number unique among your servers)'),
    );
  if (id === f.connector.serverId)
    return problem(
      S,
      'server_id',
      `${id}, the same as the connector's database.server.id`,
      "Debezium joins the replication topology with database.server.id: equal to the server's own id, the server drops the connection",
      `change the server's server_id (${setting('server_id', 'another number')}) or the connector's database.server.id`,
    );
  return ok(S, 'server_id', `${id} (connector uses ${f.connector.serverId})`);
}

const DAY_MS = 86_400_000;

/** The binlog retention in ms; 0 means binlogs never expire. */
export function binlogRetentionMs(v: Record<string, string>): number {
  const seconds = Number(v.binlog_expire_logs_seconds ?? 0);
  if (seconds > 0) return seconds * 1000;
  return Math.round(Number(v.expire_logs_days ?? 0) * DAY_MS);
}

export function binlogRetentionRule(f: SourceFacts): Finding {
  const ms = binlogRetentionMs(f.variables);
  const name =
    f.variables.binlog_expire_logs_seconds !== undefined ? 'binlog_expire_logs_seconds' : 'expire_logs_days';
  if (ms === 0)
    return ok(
      S,
      'binlog retention',
      'binlogs never expire (purge them yourself, after Debezium has read them)',
    );
  if (ms < DAY_MS)
    return warn(
      S,
      'binlog retention',
      `binlogs are purged after ${humanDuration(ms)}`,
      'a connector stopped for longer than this cannot resume: its binlog position is purged and the only way back is a new snapshot',
      setting(name, name === 'expire_logs_days' ? '7' : '604800'),
    );
  return ok(S, 'binlog retention', `binlogs kept ${humanDuration(ms)}`);
}

export function gtidRule(f: SourceFacts): Finding {
  const fl = flavourOf(f.version);
  if (fl.name === 'MariaDB')
    return ok(
      S,
      'gtid',
      `MariaDB GTIDs (domain ${f.variables.gtid_domain_id ?? '0'}, gtid_strict_mode ${f.variables.gtid_strict_mode ?? 'OFF'})`,
    );
  const mode = f.variables.gtid_mode ?? 'OFF';
  const consistency = f.variables.enforce_gtid_consistency ?? 'OFF';
  if (mode.toUpperCase() === 'ON' && isOn(consistency))
    return ok(S, 'gtid', 'gtid_mode ON, enforce_gtid_consistency ON');
  return warn(
    S,
    'gtid',
    `gtid_mode ${mode}, enforce_gtid_consistency ${consistency}`,
    "without GTIDs Debezium's position is a binlog file and offset of this one server: after a failover to a replica it cannot find its place",
    'in my.cnf under [mysqld]: gtid_mode=ON and enforce_gtid_consistency=ON (on a running MySQL, step gtid_mode through OFF_PERMISSIVE and ON_PERMISSIVE)',
  );
}

/** The global privileges Debezium's snapshot and binlog reader need, and why. */
const GLOBAL_PRIVILEGES: Array<[string, string]> = [
  ['RELOAD', 'the snapshot runs FLUSH TABLES WITH READ LOCK to read a consistent binlog position'],
  ['SHOW DATABASES', 'the snapshot lists the databases to find the captured ones'],
  ['REPLICATION SLAVE', 'Debezium reads the binlog by connecting as a replica'],
  [
    'REPLICATION CLIENT',
    'Debezium reads its start position with SHOW MASTER STATUS / SHOW BINARY LOG STATUS (MariaDB calls it BINLOG MONITOR)',
  ],
];

export function grantRules(f: SourceFacts): Finding[] {
  const grants = parseGrants(f.grants);
  const out: Finding[] = [];
  const roles = grantedRoles(grants);
  const viaRoles = roles.length
    ? ` (roles ${roles.join(', ')} are granted: their privileges count only if they are default roles, which SHOW GRANTS does not show)`
    : '';
  const acc = account(f);
  for (const [privilege, why] of GLOBAL_PRIVILEGES) {
    if (hasGlobal(grants, privilege)) out.push(ok(S, `grant ${privilege}`, 'on *.*'));
    else
      out.push(
        problem(
          S,
          `grant ${privilege}`,
          `missing on *.*${viaRoles}`,
          why,
          `GRANT ${privilege} ON *.* TO ${acc};`,
        ),
      );
  }
  for (const db of f.databases) {
    if (hasOnDatabase(grants, 'SELECT', db.name)) out.push(ok(S, `grant SELECT on ${db.name}`, 'held'));
    else
      out.push(
        problem(
          S,
          `grant SELECT on ${db.name}`,
          `missing${viaRoles}`,
          'the snapshot and backfill read every captured table',
          `GRANT SELECT ON ${ident(db.name)}.* TO ${acc};`,
        ),
      );
  }
  out.push(lockTablesRule(f, grants));
  return out;
}

function lockTablesRule(f: SourceFacts, grants: Grant[]): Finding {
  const missing = f.databases
    .filter((db) => !hasOnDatabase(grants, 'LOCK TABLES', db.name))
    .map((d) => d.name);
  if (missing.length === 0) return ok(S, 'grant LOCK TABLES', 'held (optional)');
  return warn(
    S,
    'grant LOCK TABLES',
    `missing on ${missing.join(', ')} (optional)`,
    'where FLUSH TABLES WITH READ LOCK is refused (managed servers), Debezium falls back to locking each captured table: without LOCK TABLES the initial snapshot has no consistent position there',
    `GRANT LOCK TABLES ON *.* TO ${account(f)};`,
  );
}

export function databaseRules(f: SourceFacts): Finding[] {
  if (f.databases.length === 0)
    return [
      problem(
        S,
        'captured databases',
        'STARLING_SOURCE_DATABASES is empty',
        'nothing would be captured',
        'set STARLING_SOURCE_DATABASES to a comma-separated list of databases',
      ),
    ];
  return f.databases.map((db) =>
    db.exists
      ? ok(S, `database ${db.name}`, 'exists')
      : problem(
          S,
          `database ${db.name}`,
          `does not exist (or the capture user cannot see it)`,
          'STARLING_SOURCE_DATABASES names it: the connector would capture nothing from it',
          `CREATE DATABASE ${ident(db.name)}; or remove it from STARLING_SOURCE_DATABASES`,
        ),
  );
}

const SIGNAL_COLUMNS = ['id', 'type', 'data'];

export function signalTableRules(f: SourceFacts): Finding[] {
  const { db, table, columns } = f.signalTable;
  const name = `${db}.${table}`;
  const qualified = `${ident(db)}.${ident(table)}`;
  if (columns.length === 0)
    return [
      problem(
        S,
        `signal table ${name}`,
        'does not exist',
        'the connector reads backfill requests (starling backfill) from it and writes its snapshot watermarks there',
        `CREATE TABLE ${qualified} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL); GRANT INSERT, UPDATE, DELETE ON ${qualified} TO ${account(f)};`,
      ),
    ];
  const out: Finding[] = [];
  const lacking = SIGNAL_COLUMNS.filter((c) => !columns.includes(c));
  if (lacking.length)
    out.push(
      problem(
        S,
        `signal table ${name}`,
        `lacks the column${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')} (has ${columns.join(', ')})`,
        'Debezium reads and writes signals as (id, type, data): it fails on another shape',
        `DROP TABLE ${qualified}; CREATE TABLE ${qualified} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL);`,
      ),
    );
  else out.push(ok(S, `signal table ${name}`, 'exists with id, type, data'));
  const grants = parseGrants(f.grants);
  const missing = ['INSERT', 'UPDATE', 'DELETE'].filter((p) => !hasOnTable(grants, p, db, table));
  const fix = `GRANT ${missing.join(', ')} ON ${qualified} TO ${account(f)};`;
  if (missing.includes('INSERT'))
    out.push(
      problem(
        S,
        `grant on ${name}`,
        `missing ${missing.join(', ')}`,
        'Debezium writes its incremental-snapshot watermarks into the signal table as the capture user: without INSERT a backfill silently skips the table',
        fix,
      ),
    );
  else if (missing.length)
    out.push(
      warn(
        S,
        `grant on ${name}`,
        `missing ${missing.join(', ')}`,
        'Debezium only inserts into the signal table, but the capture user cannot clear old signal rows; Starling grants all three',
        fix,
      ),
    );
  else out.push(ok(S, `grant on ${name}`, 'INSERT, UPDATE, DELETE'));
  return out;
}

export function primaryKeyRule(f: SourceFacts): Finding {
  const t = f.tablesWithoutPrimaryKey;
  if (t.length === 0) return ok(S, 'primary keys', 'every captured table has one');
  const shown = t.slice(0, 10).join(', ') + (t.length > 10 ? `, and ${t.length - 10} more` : '');
  return warn(
    S,
    'primary keys',
    `${t.length} captured table${t.length > 1 ? 's' : ''} without one: ${shown}`,
    'its change events have no key: the staging sink dead-letters every one (NO_PRIMARY_KEY), and starling backfill cannot snapshot it',
    `ALTER TABLE ${t[0]!.split('.').map(ident).join('.')} ADD PRIMARY KEY (<columns>); (or message.key.columns in the connector config)`,
  );
}

/** Every source rule, in report order. */
export function sourceRules(f: SourceFacts): Finding[] {
  return [
    flavourRule(f),
    logBinRule(f),
    binlogFormatRule(f),
    binlogRowImageRule(f),
    binlogRowMetadataRule(f),
    binlogCompressionRule(f),
    serverIdRule(f),
    binlogRetentionRule(f),
    gtidRule(f),
    ...grantRules(f),
    ...databaseRules(f),
    ...signalTableRules(f),
    primaryKeyRule(f),
  ].filter((x): x is Finding => x !== undefined);
}
