/**
 * Secured connections: the STARLING_KAFKA_SECURITY_* / *_SSL_* / *_USERNAME / *_PASSWORD block of the
 * configuration, checked as a whole (every problem at once, alongside load.ts's other checks) and resolved into
 * what each client takes. Certificates and keys are read here, once, so a missing file is a configuration
 * problem at start rather than a driver error at the first connection.
 */
import { readFileSync } from 'node:fs';
import type { Env } from './schema.js';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaSecurity {
  protocol: Env['STARLING_KAFKA_SECURITY_PROTOCOL'];
  /** TLS to the brokers: the PEM contents (undefined: plaintext). `{}` trusts the system's CAs. */
  tls: { ca?: string; cert?: string; key?: string } | undefined;
  sasl: { mechanism: KafkaSaslMechanism; username: string; password: string } | undefined;
  /** The files themselves, for JVM clients (Debezium's schema history) that take paths. */
  files: { ca?: string; cert?: string; key?: string };
}

export type MysqlSslMode = NonNullable<Env['STARLING_MYSQL_SSL_MODE']>;

export interface MysqlTls {
  mode: MysqlSslMode;
  caFile: string | undefined;
  ca: string | undefined;
}

export interface BasicAuth {
  username: string;
  password: string;
}

type Raw = Record<string, string | undefined>;

const FILE_KEYS = [
  'STARLING_KAFKA_SSL_CA_FILE',
  'STARLING_KAFKA_SSL_CERT_FILE',
  'STARLING_KAFKA_SSL_KEY_FILE',
  'STARLING_POSTGRES_SSL_CA_FILE',
  'STARLING_MYSQL_SSL_CA_FILE',
] as const;

function unreadable(path: string): string | undefined {
  try {
    readFileSync(path);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

/** Every problem of the security settings, on the raw values (so a bad port elsewhere does not hide them). */
export function securityProblems(raw: Raw): string[] {
  const problems: string[] = [];
  for (const key of FILE_KEYS) {
    const path = raw[key];
    const why = path ? unreadable(path) : undefined;
    if (why) problems.push(`${key}: cannot read ${path} (${why})`);
  }

  const protocol = raw.STARLING_KAFKA_SECURITY_PROTOCOL ?? 'PLAINTEXT';
  const sasl = protocol.startsWith('SASL_');
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  for (const key of [
    'STARLING_KAFKA_SASL_MECHANISM',
    'STARLING_KAFKA_SASL_USERNAME',
    'STARLING_KAFKA_SASL_PASSWORD',
  ]) {
    if (sasl && !raw[key])
      problems.push(`${key}: required when STARLING_KAFKA_SECURITY_PROTOCOL is ${protocol}`);
    if (!sasl && raw[key] && ['PLAINTEXT', 'SSL'].includes(protocol))
      problems.push(
        `${key}: has no effect with STARLING_KAFKA_SECURITY_PROTOCOL=${protocol} (use SASL_PLAINTEXT or SASL_SSL)`,
      );
  }
  for (const key of [
    'STARLING_KAFKA_SSL_CA_FILE',
    'STARLING_KAFKA_SSL_CERT_FILE',
    'STARLING_KAFKA_SSL_KEY_FILE',
  ]) {
    if (!tls && raw[key] && ['PLAINTEXT', 'SASL_PLAINTEXT'].includes(protocol))
      problems.push(
        `${key}: has no effect with STARLING_KAFKA_SECURITY_PROTOCOL=${protocol} (use SSL or SASL_SSL)`,
      );
  }
  // The local stack's default listener is PLAINTEXT: a secured protocol needs brokers that speak it.
  if (
    protocol !== 'PLAINTEXT' &&
    !raw.STARLING_KAFKA_BROKERS &&
    ['SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)
  )
    problems.push(
      `STARLING_KAFKA_BROKERS: required with STARLING_KAFKA_SECURITY_PROTOCOL=${protocol} (the local stack's SASL_PLAINTEXT listener is 127.0.0.1:<STARLING_KAFKA_SASL_PORT>, 19094 by default)`,
    );
  if (Boolean(raw.STARLING_KAFKA_SSL_CERT_FILE) !== Boolean(raw.STARLING_KAFKA_SSL_KEY_FILE)) {
    problems.push(
      'STARLING_KAFKA_SSL_CERT_FILE, STARLING_KAFKA_SSL_KEY_FILE: a client certificate and its key go together',
    );
  }

  const pgMode = raw.STARLING_POSTGRES_SSL_MODE;
  if (pgMode?.startsWith('verify-') && !raw.STARLING_POSTGRES_SSL_CA_FILE)
    problems.push(
      `STARLING_POSTGRES_SSL_CA_FILE: required with STARLING_POSTGRES_SSL_MODE=${pgMode} (the CA to verify against)`,
    );
  if (raw.STARLING_POSTGRES_SSL_CA_FILE && !pgMode)
    problems.push(
      'STARLING_POSTGRES_SSL_CA_FILE: set STARLING_POSTGRES_SSL_MODE too (verify-ca or verify-full)',
    );
  for (const key of ['STARLING_POSTGRES_URL', 'STARLING_STAGING_URL', 'STARLING_WAREHOUSE_URL']) {
    problems.push(...pgUrlProblems(key, raw[key], raw));
  }

  const myMode = raw.STARLING_MYSQL_SSL_MODE;
  if (myMode?.startsWith('verify-') && !raw.STARLING_MYSQL_SSL_CA_FILE)
    problems.push(
      `STARLING_MYSQL_SSL_CA_FILE: required with STARLING_MYSQL_SSL_MODE=${myMode} (the CA to verify against)`,
    );
  if (raw.STARLING_MYSQL_SSL_CA_FILE && !myMode)
    problems.push('STARLING_MYSQL_SSL_CA_FILE: set STARLING_MYSQL_SSL_MODE too (verify-ca or verify-full)');

  for (const who of ['REGISTRY', 'CONNECT']) {
    const [u, p] = [`STARLING_${who}_USERNAME`, `STARLING_${who}_PASSWORD`];
    if (Boolean(raw[u]) !== Boolean(raw[p]))
      problems.push(`${raw[u] ? p : u}: required with ${raw[u] ? u : p}`);
  }
  return problems;
}

const PG_SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A URL's own sslmode/sslrootcert, checked as the settings are (node-postgres would read them at connect). */
function pgUrlProblems(key: string, url: string | undefined, raw: Raw): string[] {
  if (!url || !URL.canParse(url)) return [];
  const u = new URL(url);
  if (!['postgres:', 'postgresql:'].includes(u.protocol)) return [];
  const mode = u.searchParams.get('sslmode');
  const root = u.searchParams.get('sslrootcert');
  const problems: string[] = [];
  if (mode && !PG_SSL_MODES.includes(mode))
    problems.push(`${key}: sslmode=${mode} is not one of ${PG_SSL_MODES.join(', ')}`);
  if (mode?.startsWith('verify-') && !root && !raw.STARLING_POSTGRES_SSL_CA_FILE)
    problems.push(`${key}: sslmode=${mode} needs a CA (sslrootcert=<file> or STARLING_POSTGRES_SSL_CA_FILE)`);
  for (const param of ['sslrootcert', 'sslcert', 'sslkey']) {
    const path = u.searchParams.get(param);
    const why = path ? unreadable(path) : undefined;
    if (path && why) problems.push(`${key}: ${param}: cannot read ${path} (${why})`);
  }
  return problems;
}

/**
 * The URL node-postgres connects with: the settings' sslmode and CA where the URL names none, and libpq's
 * meaning of sslmode (`uselibpqcompat`): without it node-postgres treats require and verify-ca as
 * verify-full, and verify-ca would check the host name. Other URLs (db2://) pass unchanged.
 */
export function withPostgresTls(
  url: string,
  env: Pick<Env, 'STARLING_POSTGRES_SSL_MODE' | 'STARLING_POSTGRES_SSL_CA_FILE'>,
): string {
  const u = new URL(url);
  if (!['postgres:', 'postgresql:'].includes(u.protocol)) return url;
  const q = u.searchParams;
  if (!q.has('sslmode') && env.STARLING_POSTGRES_SSL_MODE) {
    q.set('sslmode', env.STARLING_POSTGRES_SSL_MODE);
    if (
      !q.has('sslrootcert') &&
      env.STARLING_POSTGRES_SSL_CA_FILE &&
      env.STARLING_POSTGRES_SSL_MODE !== 'disable'
    )
      q.set('sslrootcert', env.STARLING_POSTGRES_SSL_CA_FILE);
  } else if (
    q.get('sslmode')?.startsWith('verify-') &&
    !q.has('sslrootcert') &&
    env.STARLING_POSTGRES_SSL_CA_FILE
  ) {
    q.set('sslrootcert', env.STARLING_POSTGRES_SSL_CA_FILE);
  }
  if (q.has('sslmode') && !q.has('uselibpqcompat')) q.set('uselibpqcompat', 'true');
  return u.toString();
}

const read = (path: string | undefined) => (path ? readFileSync(path, 'utf8') : undefined);

export function kafkaSecurity(env: Env): KafkaSecurity {
  const protocol = env.STARLING_KAFKA_SECURITY_PROTOCOL;
  const files = {
    ca: env.STARLING_KAFKA_SSL_CA_FILE,
    cert: env.STARLING_KAFKA_SSL_CERT_FILE,
    key: env.STARLING_KAFKA_SSL_KEY_FILE,
  };
  const tls =
    protocol === 'SSL' || protocol === 'SASL_SSL'
      ? dropUndefined({ ca: read(files.ca), cert: read(files.cert), key: read(files.key) })
      : undefined;
  const sasl =
    protocol.startsWith('SASL_') && env.STARLING_KAFKA_SASL_MECHANISM
      ? {
          mechanism: env.STARLING_KAFKA_SASL_MECHANISM.toLowerCase() as KafkaSaslMechanism,
          username: env.STARLING_KAFKA_SASL_USERNAME ?? '',
          password: env.STARLING_KAFKA_SASL_PASSWORD ?? '',
        }
      : undefined;
  return { protocol, tls, sasl, files: dropUndefined(files) };
}

export function mysqlTls(env: Env): MysqlTls | undefined {
  const mode = env.STARLING_MYSQL_SSL_MODE;
  if (!mode) return undefined;
  return { mode, caFile: env.STARLING_MYSQL_SSL_CA_FILE, ca: read(env.STARLING_MYSQL_SSL_CA_FILE) };
}

export function basicAuth(username: string | undefined, password: string | undefined): BasicAuth | undefined {
  return username && password ? { username, password } : undefined;
}

/** The values that must never be printed: passwords and private keys (their contents). */
export function securitySecrets(env: Env, kafka: KafkaSecurity): string[] {
  return [
    env.STARLING_KAFKA_SASL_PASSWORD,
    env.STARLING_REGISTRY_PASSWORD,
    env.STARLING_CONNECT_PASSWORD,
    kafka.tls?.key,
  ].filter((s): s is string => Boolean(s));
}

function dropUndefined<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}

/** mysql2's `ssl` option for a mode, as the mysql client's --ssl-mode means it. */
export function mysqlSslOptions(
  tls: MysqlTls | undefined,
): { ca?: string; rejectUnauthorized: boolean; verifyIdentity?: boolean } | undefined {
  switch (tls?.mode) {
    case undefined:
    case 'disable':
      return undefined;
    case 'required':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: false };
    case 'verify-full':
      return { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: true };
  }
}

/** HTTP basic auth headers (none without credentials), for the registry and the Kafka Connect REST API. */
export function authHeaders(auth: BasicAuth | undefined): Record<string, string> {
  if (!auth) return {};
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}
