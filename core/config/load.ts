import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExcludedIps } from '../../streams/weblog/exclusion.js';
import { ConfigError } from '../errors/user-error.js';
import { type Env, envSchema } from './schema.js';
import {
  type BasicAuth,
  basicAuth,
  type KafkaSecurity,
  kafkaSecurity,
  type MysqlTls,
  mysqlTls,
  securityProblems,
  securitySecrets,
  withPostgresTls,
} from './security.js';

/** The repository root (this file lives at core/config/ in the sources and dist/core/config/ when built). */
export const REPO_ROOT = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${join('dist', 'core')}`) ? '../../..' : '../..';
  return resolve(here, up);
})();

export interface MysqlEndpoint {
  external: boolean;
  host: string;
  port: number;
  /** The application user: seeds, the workload generator, reconcile, tests. */
  user: string;
  password: string;
  /** The user Debezium captures with (replication grants). */
  captureUser: string;
  capturePassword: string;
  /** STARLING_MYSQL_SSL_MODE and its CA; undefined: the driver's default (no TLS). */
  tls: MysqlTls | undefined;
}

export interface StarlingConfig {
  env: Env;
  home: string;
  /** Where MariaDB and PostgreSQL keep their data; may differ from home (see infra/stack/paths.ts). */
  dataDir: string | undefined;
  /** Where the resolved Maven artifacts live (default <home>/jars); several stacks may share one. */
  jarsDir: string | undefined;
  softcartDir: string | undefined;
  mysql: MysqlEndpoint;
  postgres: {
    external: boolean;
    port: number;
    /** Server-level URL (no database); the local stack's is the `starling` superuser. */
    serverUrl: string;
    stagingUrl: string;
    warehouseUrl: string;
    registryDbUrl: string;
  };
  kafka: {
    external: boolean;
    brokers: string[];
    port: number;
    controllerPort: number;
    /** The local stack's SASL_PLAINTEXT listener. */
    saslPort: number;
    /** TLS and SASL of every Kafka client (core/kafka/client.ts: kafkaOptionsFrom). */
    security: KafkaSecurity;
  };
  connect: { external: boolean; url: string; port: number; auth: BasicAuth | undefined };
  registry: {
    external: boolean;
    url: string;
    ccompatUrl: string;
    port: number;
    managementPort: number;
    auth: BasicAuth | undefined;
  };
  mongodb: { url: string } | undefined;
  db2: { url: string } | undefined;
  http: { host: string; port: number };
  topics: { prefix: string; partitions: number; retentionMs: number; sourceDatabases: string[] };
  heaps: { kafka: string; connect: string; registry: string };
  staging: {
    group: string;
    topics: RegExp;
    retryWindowMs: number;
    killAfterWrites: number | undefined;
    /** Consumer-group session timeout of every sink and processor (a dead member is noticed after it). */
    sessionTimeoutMs: number;
  };
  pipeline: {
    stages: Array<'staging' | 'conform' | 'warehouse'>;
    conformGroup: string;
    warehouseGroup: string;
    conformedPrefix: string;
    /** undefined: the model's name. */
    warehouseSchema: string | undefined;
    namespaces: Map<string, string>;
    reportRefreshMs: number;
  };
  /** The web-log stream: undefined file = not run. */
  weblog: {
    /** Absolute path of the followed access log; undefined: no web-log stream. */
    file: string | undefined;
    /** Canonical excluded client addresses (streams/weblog/exclusion.ts). */
    excludedIps: ReadonlySet<string>;
    archiveDir: string;
    group: string;
    archiveGraceMs: number;
  };
  /** Every secret value in this config, so log and error text can be scrubbed of them. */
  secrets: string[];
}

export const LOCAL_PG_USER = 'starling';
export const LOCAL_PG_PASSWORD = 'starling';
export const LOCAL_MYSQL_USER = 'starling';
export const LOCAL_MYSQL_PASSWORD = 'starling';
export const LOCAL_CAPTURE_USER = 'starling_cdc';
export const LOCAL_CAPTURE_PASSWORD = 'starling_cdc';

/** KEY=VALUE lines (# comments) or a JSON object. */
export function parseConfigFile(text: string, path: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new ConfigError([`${path}: not valid JSON (${(e as Error).message})`]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`${path}: must hold a JSON object of STARLING_* keys`]);
    }
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  const out: Record<string, string> = {};
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      problems.push(`${path}:${i + 1}: expected KEY=VALUE`);
      return;
    }
    out[line.slice(0, eq).trim()] = line
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  });
  if (problems.length) throw new ConfigError(problems);
  return out;
}

function withDatabase(serverUrl: string, db: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * Reads and validates the configuration. Throws ConfigError listing every problem at once.
 * `source` defaults to process.env; tests pass their own.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): StarlingConfig {
  let raw: Record<string, string | undefined> = {};
  const file = source.STARLING_CONFIG_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError([
        `STARLING_CONFIG_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`,
      ]);
    }
    raw = parseConfigFile(text, file);
  }
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(key in envSchema.shape)) problems.push(`${file}: unknown key ${key}`);
  }
  for (const [k, v] of Object.entries(source)) {
    if (k.startsWith('STARLING_') && k !== 'STARLING_CONFIG_FILE' && !(k in envSchema.shape)) {
      problems.push(`${k}: unknown setting (known: ${Object.keys(envSchema.shape).join(', ')})`);
    } else if (k in envSchema.shape && v !== undefined && v !== '') raw[k] = v;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  problems.push(...crossChecks(raw));
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  return resolveConfig(parsed.data);
}

const PORT_KEYS = [
  'STARLING_MARIADB_PORT',
  'STARLING_POSTGRES_PORT',
  'STARLING_KAFKA_PORT',
  'STARLING_CONNECT_PORT',
  'STARLING_REGISTRY_PORT',
  'STARLING_REGISTRY_MANAGEMENT_PORT',
  'STARLING_KAFKA_CONTROLLER_PORT',
  'STARLING_KAFKA_SASL_PORT',
  'STARLING_HTTP_PORT',
] as const;

/**
 * Checks that span several settings. They run on the raw values, alongside the per-setting schema, so that
 * one message lists every problem (a port collision is not held back until a bad URL is fixed).
 */
function crossChecks(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const ports = PORT_KEYS.map((key) => {
    const schema = envSchema.shape[key];
    const r = schema.safeParse(raw[key]);
    return { key, port: r.success ? r.data : undefined };
  });
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      const [a, b] = [ports[i]!, ports[j]!];
      if (a.port !== undefined && a.port === b.port)
        problems.push(`${b.key}: port ${b.port} is also ${a.key}`);
    }
  }
  const mysqlUrl = raw.STARLING_MYSQL_URL;
  if (mysqlUrl && URL.canParse(mysqlUrl)) {
    const u = new URL(mysqlUrl);
    if (['mysql:', 'mariadb:'].includes(u.protocol) && !u.username) {
      problems.push('STARLING_MYSQL_URL: must include the user name and password to connect with');
    }
  }
  problems.push(...securityProblems(raw));
  return problems;
}

const URL_KEYS = [
  'STARLING_POSTGRES_URL',
  'STARLING_STAGING_URL',
  'STARLING_WAREHOUSE_URL',
  'STARLING_DB2_URL',
  'STARLING_CONNECT_URL',
  'STARLING_REGISTRY_URL',
] as const;

/** The excluded addresses of a validated STARLING_WEBLOG_EXCLUDE_IPS (`none`: no address). */
function excludedIps(text: string | undefined): ReadonlySet<string> {
  if (text?.trim().toLowerCase() === 'none') return new Set();
  const r = parseExcludedIps(text);
  // The schema reported every bad entry already; reaching here with one is our bug.
  if ('problems' in r) throw new Error(`unvalidated STARLING_WEBLOG_EXCLUDE_IPS: ${r.problems.join('; ')}`);
  return r.ips;
}

function resolveConfig(env: Env): StarlingConfig {
  const home = env.STARLING_HOME
    ? isAbsolute(env.STARLING_HOME)
      ? env.STARLING_HOME
      : resolve(env.STARLING_HOME)
    : join(REPO_ROOT, '.starling');
  const secrets: string[] = [];
  const localhost = '127.0.0.1';

  let mysql: MysqlEndpoint;
  if (env.STARLING_MYSQL_URL) {
    const u = new URL(env.STARLING_MYSQL_URL);
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    if (password) secrets.push(password);
    mysql = {
      external: true,
      host: u.hostname,
      port: Number(u.port || 3306),
      user,
      password,
      captureUser: user,
      capturePassword: password,
      tls: mysqlTls(env),
    };
  } else {
    mysql = {
      external: false,
      host: localhost,
      port: env.STARLING_MARIADB_PORT,
      user: LOCAL_MYSQL_USER,
      password: LOCAL_MYSQL_PASSWORD,
      captureUser: LOCAL_CAPTURE_USER,
      capturePassword: LOCAL_CAPTURE_PASSWORD,
      tls: mysqlTls(env),
    };
  }

  const pgExternal = Boolean(env.STARLING_POSTGRES_URL);
  // Every PostgreSQL URL carries the TLS settings, so no pool Starling opens can connect without them.
  const pgTls = (u: string) => withPostgresTls(u, env);
  const serverUrl = pgTls(
    env.STARLING_POSTGRES_URL ??
      `postgres://${LOCAL_PG_USER}:${LOCAL_PG_PASSWORD}@${localhost}:${env.STARLING_POSTGRES_PORT}/postgres`,
  );
  const mongoPassword = env.STARLING_MONGODB_URL
    ? /^mongodb(?:\+srv)?:\/\/[^:@/]+:([^@/]+)@/.exec(env.STARLING_MONGODB_URL)?.[1]
    : undefined;
  if (mongoPassword) secrets.push(decodeURIComponent(mongoPassword));
  for (const key of URL_KEYS) {
    const v = env[key];
    if (v) {
      const p = decodeURIComponent(new URL(v).password);
      if (p) secrets.push(p);
    }
  }
  const warehouseUrl = env.STARLING_WAREHOUSE_URL
    ? pgTls(env.STARLING_WAREHOUSE_URL)
    : withDatabase(serverUrl, 'starling_warehouse');
  const kafkaSec = kafkaSecurity(env);
  secrets.push(...securitySecrets(env, kafkaSec));

  const kafkaBrokers = env.STARLING_KAFKA_BROKERS
    ? env.STARLING_KAFKA_BROKERS.split(',').map((b) => b.trim())
    : [`${localhost}:${env.STARLING_KAFKA_PORT}`];
  const registryUrl = (
    env.STARLING_REGISTRY_URL ?? `http://${localhost}:${env.STARLING_REGISTRY_PORT}`
  ).replace(/\/+$/, '');

  return {
    env,
    home,
    dataDir: env.STARLING_DATA_DIR,
    jarsDir: env.STARLING_JARS_DIR,
    softcartDir: env.STARLING_SOFTCART_DIR,
    mysql,
    postgres: {
      external: pgExternal,
      port: pgExternal ? Number(new URL(serverUrl).port || 5432) : env.STARLING_POSTGRES_PORT,
      serverUrl,
      stagingUrl: env.STARLING_STAGING_URL
        ? pgTls(env.STARLING_STAGING_URL)
        : withDatabase(serverUrl, 'starling_staging'),
      warehouseUrl,
      registryDbUrl: withDatabase(serverUrl, 'starling_registry'),
    },
    kafka: {
      external: Boolean(env.STARLING_KAFKA_BROKERS),
      brokers: kafkaBrokers,
      port: env.STARLING_KAFKA_PORT,
      controllerPort: env.STARLING_KAFKA_CONTROLLER_PORT,
      saslPort: env.STARLING_KAFKA_SASL_PORT,
      security: kafkaSec,
    },
    connect: {
      external: Boolean(env.STARLING_CONNECT_URL),
      url: (env.STARLING_CONNECT_URL ?? `http://${localhost}:${env.STARLING_CONNECT_PORT}`).replace(
        /\/+$/,
        '',
      ),
      port: env.STARLING_CONNECT_PORT,
      auth: basicAuth(env.STARLING_CONNECT_USERNAME, env.STARLING_CONNECT_PASSWORD),
    },
    registry: {
      external: Boolean(env.STARLING_REGISTRY_URL),
      url: registryUrl,
      ccompatUrl: `${registryUrl}/apis/ccompat/v7`,
      port: env.STARLING_REGISTRY_PORT,
      managementPort: env.STARLING_REGISTRY_MANAGEMENT_PORT,
      auth: basicAuth(env.STARLING_REGISTRY_USERNAME, env.STARLING_REGISTRY_PASSWORD),
    },
    mongodb: env.STARLING_MONGODB_URL ? { url: env.STARLING_MONGODB_URL } : undefined,
    db2: env.STARLING_DB2_URL ? { url: env.STARLING_DB2_URL } : undefined,
    http: { host: env.STARLING_HTTP_HOST, port: env.STARLING_HTTP_PORT },
    topics: {
      prefix: env.STARLING_TOPIC_PREFIX,
      partitions: env.STARLING_TOPIC_PARTITIONS,
      retentionMs: env.STARLING_TOPIC_RETENTION_MS,
      sourceDatabases: env.STARLING_SOURCE_DATABASES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    staging: {
      group: env.STARLING_STAGING_GROUP,
      // Default: every raw topic under the prefix (<prefix>.<database>.<table>).
      topics: new RegExp(
        env.STARLING_STAGING_TOPICS ??
          `^${env.STARLING_TOPIC_PREFIX.replaceAll('-', '\\-')}\\.[^.]+\\.[^.]+$`,
      ),
      retryWindowMs: env.STARLING_RETRY_WINDOW_MS,
      killAfterWrites: env.STARLING_FAULT_KILL_AFTER_WRITES,
      sessionTimeoutMs: env.STARLING_CONSUMER_SESSION_TIMEOUT_MS,
    },
    pipeline: {
      stages: [...new Set(env.STARLING_PIPELINE.split(',').map((x) => x.trim()))] as Array<
        'staging' | 'conform' | 'warehouse'
      >,
      conformGroup: env.STARLING_CONFORM_GROUP,
      warehouseGroup: env.STARLING_WAREHOUSE_GROUP,
      conformedPrefix: env.STARLING_CONFORMED_PREFIX ?? `${env.STARLING_TOPIC_PREFIX}.conformed`,
      warehouseSchema: env.STARLING_WAREHOUSE_SCHEMA,
      namespaces: new Map(
        env.STARLING_MODEL_NAMESPACES.split(',')
          .map((p) => p.trim())
          .filter(Boolean)
          .map((p) => p.split('=').map((x) => x.trim()) as [string, string]),
      ),
      reportRefreshMs: env.STARLING_REPORT_REFRESH_MS,
    },
    weblog: {
      file: env.STARLING_WEBLOG_FILE === undefined ? undefined : resolve(env.STARLING_WEBLOG_FILE),
      excludedIps: excludedIps(env.STARLING_WEBLOG_EXCLUDE_IPS),
      archiveDir: resolve(env.STARLING_WEBLOG_ARCHIVE_DIR ?? join(home, 'weblog-archives')),
      group: env.STARLING_WEBLOG_GROUP,
      archiveGraceMs: env.STARLING_WEBLOG_ARCHIVE_GRACE_MS,
    },
    heaps: {
      kafka: env.STARLING_KAFKA_HEAP,
      connect: env.STARLING_CONNECT_HEAP,
      registry: env.STARLING_REGISTRY_HEAP,
    },
    secrets,
  };
}
