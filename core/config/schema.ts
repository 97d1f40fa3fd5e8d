/**
 * One validated configuration for every Starling component.
 *
 * Sources, later ones winning: built-in defaults, an optional file (STARLING_CONFIG_FILE: KEY=VALUE lines
 * or a JSON object with the same keys), then the process environment. Every problem is collected and
 * reported at once (see load.ts); nothing here ever prints a secret.
 *
 * A service given by URL is external: the local stack starts nothing for it.
 */
import { z } from 'zod';
import { parseExcludedIps } from '../../streams/weblog/exclusion.js';
import { parseKillAt } from '../faults/kill-points.js';

const port = z.coerce
  .number({ error: 'must be a port number (1-65535)' })
  .int({ error: 'must be a port number (1-65535)' })
  .min(1, { error: 'must be a port number (1-65535)' })
  .max(65535, { error: 'must be a port number (1-65535)' });
const url = (protocols: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}` },
  );
const brokerList = z.string().refine((s) => s.split(',').every((b) => /^[^\s:,]+:\d{1,5}$/.test(b.trim())), {
  message: 'must be a comma-separated list of host:port',
});

export const envSchema = z.object({
  STARLING_HOME: z.string().min(1).optional(),
  STARLING_DATA_DIR: z.string().min(1).optional(),
  STARLING_JARS_DIR: z.string().min(1).optional(),
  STARLING_SOFTCART_DIR: z.string().min(1).optional(),
  STARLING_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),

  // External services: when set, the local stack does not start the service.
  STARLING_MYSQL_URL: url(['mysql:', 'mariadb:']).optional(),
  STARLING_POSTGRES_URL: url(['postgres:', 'postgresql:']).optional(),
  STARLING_STAGING_URL: url(['postgres:', 'postgresql:']).optional(),
  STARLING_WAREHOUSE_URL: url(['postgres:', 'postgresql:', 'db2:']).optional(),
  STARLING_KAFKA_BROKERS: brokerList.optional(),
  STARLING_CONNECT_URL: url(['http:', 'https:']).optional(),
  STARLING_REGISTRY_URL: url(['http:', 'https:']).optional(),
  // A replica set's URL names several hosts (mongodb://h1:27017,h2:27017/?replicaSet=rs0), which WHATWG URL rejects.
  STARLING_MONGODB_URL: z
    .string()
    .regex(
      /^mongodb(\+srv)?:\/\/[^\s/]+(\/[^\s]*)?$/,
      'must be a mongodb:// or mongodb+srv:// connection string',
    )
    .optional(),
  STARLING_DB2_URL: url(['db2:']).optional(),

  // Ports of the local stack (non-default, so a system-wide service never collides).
  STARLING_MARIADB_PORT: port.default(13306),
  STARLING_POSTGRES_PORT: port.default(15432),
  STARLING_KAFKA_PORT: port.default(19092),
  STARLING_KAFKA_CONTROLLER_PORT: port.default(19093),
  /** The local Kafka's SASL_PLAINTEXT listener (PLAIN, SCRAM-SHA-256/512), for testing secured clients. */
  STARLING_KAFKA_SASL_PORT: port.default(19094),
  STARLING_CONNECT_PORT: port.default(18083),
  STARLING_REGISTRY_PORT: port.default(18081),
  STARLING_REGISTRY_MANAGEMENT_PORT: port.default(18082),
  STARLING_HTTP_HOST: z.string().default('127.0.0.1'),
  STARLING_HTTP_PORT: port.default(3000),

  // Capture.
  STARLING_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'only letters, digits, _ and - (it names Kafka topics)')
    .default('softcart'),
  STARLING_SOURCE_DATABASES: z.string().default('sales'),
  STARLING_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(1),
  STARLING_TOPIC_RETENTION_MS: z.coerce.number().int().min(-1).default(-1),

  // Sinks.
  STARLING_STAGING_GROUP: z.string().min(1).default('starling-staging'),
  /** Regular expression of the raw topics the staging sink mirrors (default: every table under the prefix). */
  STARLING_STAGING_TOPICS: z
    .string()
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression')
    .optional(),
  /** Which stages `starling run` runs in this process (comma-separated): staging, conform, warehouse. */
  STARLING_PIPELINE: z
    .string()
    .refine(
      (s) => s.split(',').every((x) => ['staging', 'conform', 'warehouse'].includes(x.trim())),
      'a comma-separated list of staging, conform, warehouse',
    )
    .default('staging,conform,warehouse'),
  /** Whether `starling run` restarts FAILED Debezium connectors and tasks (with back-off). */
  STARLING_CONNECTOR_SUPERVISOR: z.enum(['on', 'off']).default('on'),
  STARLING_CONFORM_GROUP: z.string().min(1).default('starling-conform'),
  STARLING_WAREHOUSE_GROUP: z.string().min(1).default('starling-warehouse'),
  /** Prefix of the conformed topics (<prefix>.<model>.<table>); default <topic prefix>.conformed. */
  STARLING_CONFORMED_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'only letters, digits, ., _ and - (it names Kafka topics)')
    .optional(),
  /** Warehouse schema of the star; default the model's name. */
  STARLING_WAREHOUSE_SCHEMA: z.string().min(1).max(63).optional(),
  /** ES module (or .json) whose default or `model` export is the star model; default SoftCart (schemas/model/load.ts). */
  STARLING_MODEL_FILE: z.string().min(1).optional(),
  /** model namespace=source database pairs, when the sources are not named as in the model (sales=shop). */
  STARLING_MODEL_NAMESPACES: z
    .string()
    .regex(/^\s*([^=,\s]+=[^=,\s]+\s*(,\s*[^=,\s]+=[^=,\s]+\s*)*)?$/, 'comma-separated name=database pairs')
    .default(''),
  /** The materialized reports are refreshed at most this often (ms) while facts change. */
  STARLING_REPORT_REFRESH_MS: z.coerce.number().int().min(100).default(1000),
  /**
   * Consumer-group session timeout (ms) of the sinks and processors: how long a member that died without
   * leaving (kill -9, a lost host) holds its partitions. The broker allows 6,000 to 1,800,000 by default.
   */
  STARLING_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(1_800_000).default(30_000),
  /** How long a transient failure (database or registry down) is retried before the sink gives up. */
  STARLING_RETRY_WINDOW_MS: z.coerce.number().int().min(1000).default(600_000),
  // The web-log stream (connectors/weblog, sinks/weblog): off unless a log file is named.
  /** The access log the web-log source follows (tail -F); unset: no web-log stream. */
  STARLING_WEBLOG_FILE: z.string().min(1).optional(),
  /**
   * Client addresses whose lines are dropped (comma-separated IPv4/IPv6); `none` drops nothing. Every bad
   * entry is its own problem, so one message lists them all.
   */
  STARLING_WEBLOG_EXCLUDE_IPS: z
    .string()
    .superRefine((s, ctx) => {
      if (s.trim().toLowerCase() === 'none') return;
      const r = parseExcludedIps(s);
      if ('problems' in r) for (const message of r.problems) ctx.addIssue({ code: 'custom', message });
    })
    .optional(),
  /** Where the daily tar archives of kept lines go; default <STARLING_HOME>/weblog-archives. */
  STARLING_WEBLOG_ARCHIVE_DIR: z.string().min(1).optional(),
  /** The web-log processor's consumer group (dead letters go to dlq.<group>). */
  STARLING_WEBLOG_GROUP: z.string().min(1).default('starling-weblog'),
  /** A day is archived once a later day has lines and the day has had no new line for this long (ms). */
  STARLING_WEBLOG_ARCHIVE_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  /** Read by the test suite only (the seed of a randomized test, to rerun it); listed so it is not flagged. */
  STARLING_TEST_SEED: z.string().regex(/^\d+$/, 'a non-negative integer').optional(),
  /** Read by the fault-matrix tests only (tests/faults): `ci` (default) or `full`, the issue's full numbers. */
  STARLING_FAULTS_SIZE: z.enum(['ci', 'full']).optional(),
  /** Testing hook: the sink SIGKILLs itself after this many written batches, before committing offsets. */
  STARLING_FAULT_KILL_AFTER_WRITES: z.coerce.number().int().min(1).optional(),
  /** Testing hook of the fault matrix: SIGKILL at a named point (core/faults/kill-points.ts). */
  STARLING_FAULT_KILL_AT: z
    .string()
    .refine((s) => typeof parseKillAt(s) !== 'string', { error: (i) => String(parseKillAt(String(i.input))) })
    .optional(),

  // Secured connections of real deployments: TLS and SASL for Kafka, TLS for PostgreSQL and MariaDB/MySQL,
  // basic auth for the registry and Kafka Connect. Checked together in load.ts (a SASL protocol needs a
  // mechanism and credentials, every file must be readable, verify-* needs a CA); passwords and keys are
  // secrets, masked in everything Starling prints.
  STARLING_KAFKA_SECURITY_PROTOCOL: z
    .enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'])
    .default('PLAINTEXT'),
  STARLING_KAFKA_SASL_MECHANISM: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  STARLING_KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  STARLING_KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** PEM files: the CA that signed the brokers' certificates; a client certificate and its key (mutual TLS). */
  STARLING_KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  STARLING_KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
  STARLING_KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
  /** libpq's sslmode for every PostgreSQL connection (a URL's own sslmode wins for that URL). */
  STARLING_POSTGRES_SSL_MODE: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional(),
  STARLING_POSTGRES_SSL_CA_FILE: z.string().min(1).optional(),
  /** MySQL's --ssl-mode for every MariaDB/MySQL connection, Debezium's included. */
  STARLING_MYSQL_SSL_MODE: z.enum(['disable', 'required', 'verify-ca', 'verify-full']).optional(),
  STARLING_MYSQL_SSL_CA_FILE: z.string().min(1).optional(),
  STARLING_REGISTRY_USERNAME: z.string().min(1).optional(),
  STARLING_REGISTRY_PASSWORD: z.string().min(1).optional(),
  STARLING_CONNECT_USERNAME: z.string().min(1).optional(),
  STARLING_CONNECT_PASSWORD: z.string().min(1).optional(),

  // JVM heaps of the local services.
  STARLING_KAFKA_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'like 512m or 1g')
    .default('512m'),
  STARLING_CONNECT_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'like 512m or 1g')
    .default('768m'),
  STARLING_REGISTRY_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'like 512m or 1g')
    .default('384m'),
});

export type Env = z.infer<typeof envSchema>;
