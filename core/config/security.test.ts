import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/user-error.js';
import { loadConfig } from './load.js';
import { redactText } from './redact.js';
import { authHeaders, mysqlSslOptions, securityProblems, withPostgresTls } from './security.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-security-'));
const pem = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${body}-----\nMIIB${name}\n-----END ${body}-----\n`);
  return path;
};
const caFile = pem('ca.crt', 'CERTIFICATE');
const certFile = pem('client.crt', 'CERTIFICATE');
const keyFile = pem('client.key', 'PRIVATE KEY');
const missing = join(dir, 'missing.crt');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('security settings: validation at start', () => {
  it('lists every problem of a SASL protocol without mechanism, user or password', () => {
    expect(
      problemsOf({ STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', STARLING_KAFKA_BROKERS: 'k1:9094' }),
    ).toEqual([
      'STARLING_KAFKA_SASL_MECHANISM: required when STARLING_KAFKA_SECURITY_PROTOCOL is SASL_SSL',
      'STARLING_KAFKA_SASL_USERNAME: required when STARLING_KAFKA_SECURITY_PROTOCOL is SASL_SSL',
      'STARLING_KAFKA_SASL_PASSWORD: required when STARLING_KAFKA_SECURITY_PROTOCOL is SASL_SSL',
    ]);
  });

  it('reports unreadable files, verify-* without a CA, a certificate without its key and half credentials at once', () => {
    const problems = problemsOf({
      STARLING_KAFKA_BROKERS: 'k1:9093',
      STARLING_KAFKA_SECURITY_PROTOCOL: 'SSL',
      STARLING_KAFKA_SSL_CA_FILE: missing,
      STARLING_KAFKA_SSL_CERT_FILE: certFile,
      STARLING_POSTGRES_SSL_MODE: 'verify-full',
      STARLING_MYSQL_SSL_MODE: 'verify-ca',
      STARLING_REGISTRY_USERNAME: 'ops',
      STARLING_CONNECT_PASSWORD: 'pw-only',
      STARLING_STAGING_URL: `postgres://u:p@db:5432/s?sslmode=verify-ca&sslrootcert=${missing}`,
    });
    expect(problems).toEqual([
      `STARLING_KAFKA_SSL_CA_FILE: cannot read ${missing} (ENOENT)`,
      'STARLING_KAFKA_SSL_CERT_FILE, STARLING_KAFKA_SSL_KEY_FILE: a client certificate and its key go together',
      'STARLING_POSTGRES_SSL_CA_FILE: required with STARLING_POSTGRES_SSL_MODE=verify-full (the CA to verify against)',
      `STARLING_STAGING_URL: sslrootcert: cannot read ${missing} (ENOENT)`,
      'STARLING_MYSQL_SSL_CA_FILE: required with STARLING_MYSQL_SSL_MODE=verify-ca (the CA to verify against)',
      'STARLING_REGISTRY_PASSWORD: required with STARLING_REGISTRY_USERNAME',
      'STARLING_CONNECT_USERNAME: required with STARLING_CONNECT_PASSWORD',
    ]);
  });

  it("asks for the brokers of a secured protocol (the local stack's default listener is PLAINTEXT)", () => {
    expect(
      problemsOf({
        STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
        STARLING_KAFKA_SASL_MECHANISM: 'PLAIN',
        STARLING_KAFKA_SASL_USERNAME: 'u',
        STARLING_KAFKA_SASL_PASSWORD: 'p',
      }),
    ).toEqual([
      "STARLING_KAFKA_BROKERS: required with STARLING_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT (the local stack's SASL_PLAINTEXT listener is 127.0.0.1:<STARLING_KAFKA_SASL_PORT>, 19094 by default)",
    ]);
  });

  it('reports settings that would silently do nothing, and unknown modes', () => {
    const problems = problemsOf({
      STARLING_KAFKA_SASL_USERNAME: 'u',
      STARLING_KAFKA_SSL_CA_FILE: caFile,
      STARLING_POSTGRES_SSL_CA_FILE: caFile,
      STARLING_MYSQL_SSL_MODE: 'preferred',
      STARLING_WAREHOUSE_URL: 'postgres://u:p@db/w?sslmode=strict',
    });
    expect(problems).toContain(
      'STARLING_KAFKA_SASL_USERNAME: has no effect with STARLING_KAFKA_SECURITY_PROTOCOL=PLAINTEXT (use SASL_PLAINTEXT or SASL_SSL)',
    );
    expect(problems).toContain(
      'STARLING_KAFKA_SSL_CA_FILE: has no effect with STARLING_KAFKA_SECURITY_PROTOCOL=PLAINTEXT (use SSL or SASL_SSL)',
    );
    expect(problems).toContain(
      'STARLING_POSTGRES_SSL_CA_FILE: set STARLING_POSTGRES_SSL_MODE too (verify-ca or verify-full)',
    );
    expect(problems.some((p) => p.startsWith('STARLING_MYSQL_SSL_MODE:'))).toBe(true);
    expect(problems).toContain(
      'STARLING_WAREHOUSE_URL: sslmode=strict is not one of disable, allow, prefer, require, verify-ca, verify-full',
    );
  });

  it('accepts a complete secured configuration', () => {
    expect(
      securityProblems({
        STARLING_KAFKA_BROKERS: 'k1:9093',
        STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        STARLING_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        STARLING_KAFKA_SASL_USERNAME: 'u',
        STARLING_KAFKA_SASL_PASSWORD: 'p',
        STARLING_KAFKA_SSL_CA_FILE: caFile,
        STARLING_KAFKA_SSL_CERT_FILE: certFile,
        STARLING_KAFKA_SSL_KEY_FILE: keyFile,
        STARLING_POSTGRES_SSL_MODE: 'verify-ca',
        STARLING_POSTGRES_SSL_CA_FILE: caFile,
        STARLING_MYSQL_SSL_MODE: 'required',
      }),
    ).toEqual([]);
  });
});

describe('security settings: resolved config', () => {
  const secured = loadConfig({
    STARLING_KAFKA_BROKERS: 'k1:9093,k2:9093',
    STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    STARLING_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
    STARLING_KAFKA_SASL_USERNAME: 'starling',
    STARLING_KAFKA_SASL_PASSWORD: 'kafka-pw-1',
    STARLING_KAFKA_SSL_CA_FILE: caFile,
    STARLING_KAFKA_SSL_CERT_FILE: certFile,
    STARLING_KAFKA_SSL_KEY_FILE: keyFile,
    STARLING_POSTGRES_URL: 'postgres://admin:pg-pw-2@pg.example:5432/postgres',
    STARLING_POSTGRES_SSL_MODE: 'verify-full',
    STARLING_POSTGRES_SSL_CA_FILE: caFile,
    STARLING_WAREHOUSE_URL: 'postgres://wh:wh-pw-3@wh.example/dw?sslmode=require',
    STARLING_MYSQL_SSL_MODE: 'verify-ca',
    STARLING_MYSQL_SSL_CA_FILE: caFile,
    STARLING_REGISTRY_USERNAME: 'reg',
    STARLING_REGISTRY_PASSWORD: 'reg-pw-4',
    STARLING_CONNECT_USERNAME: 'con',
    STARLING_CONNECT_PASSWORD: 'con-pw-5',
  });

  it('gives the Kafka clients TLS contents and SASL in kafkajs terms', () => {
    const k = secured.kafka.security;
    expect(k.protocol).toBe('SASL_SSL');
    expect(k.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'starling', password: 'kafka-pw-1' });
    expect(k.tls?.ca).toContain('MIIBca.crt');
    expect(k.tls?.cert).toContain('MIIBclient.crt');
    expect(k.tls?.key).toContain('MIIBclient.key');
    expect(k.files).toEqual({ ca: caFile, cert: certFile, key: keyFile });
  });

  it('puts the TLS settings into every PostgreSQL URL; a URL with its own sslmode keeps it', () => {
    const tls = `sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}&uselibpqcompat=true`;
    expect(secured.postgres.serverUrl).toBe(`postgres://admin:pg-pw-2@pg.example:5432/postgres?${tls}`);
    expect(secured.postgres.stagingUrl).toBe(
      `postgres://admin:pg-pw-2@pg.example:5432/starling_staging?${tls}`,
    );
    expect(secured.postgres.registryDbUrl).toBe(
      `postgres://admin:pg-pw-2@pg.example:5432/starling_registry?${tls}`,
    );
    expect(secured.postgres.warehouseUrl).toBe(
      'postgres://wh:wh-pw-3@wh.example/dw?sslmode=require&uselibpqcompat=true',
    );
  });

  it('resolves MySQL TLS and basic auth', () => {
    expect(secured.mysql.tls).toMatchObject({ mode: 'verify-ca', caFile });
    expect(secured.registry.auth).toEqual({ username: 'reg', password: 'reg-pw-4' });
    expect(secured.connect.auth).toEqual({ username: 'con', password: 'con-pw-5' });
  });

  it('knows every secret, so printed text is scrubbed of all of them', () => {
    const text = `kafka-pw-1 pg-pw-2 wh-pw-3 reg-pw-4 con-pw-5 ${secured.kafka.security.tls?.key}`;
    const out = redactText(text, secured.secrets);
    for (const s of ['kafka-pw-1', 'pg-pw-2', 'wh-pw-3', 'reg-pw-4', 'con-pw-5', 'MIIBclient.key']) {
      expect(out).not.toContain(s);
    }
  });

  it('changes nothing when no security is configured', () => {
    const plain = loadConfig({});
    expect(plain.kafka.security).toEqual({
      protocol: 'PLAINTEXT',
      tls: undefined,
      sasl: undefined,
      files: {},
    });
    expect(plain.postgres.stagingUrl).toBe('postgres://starling:starling@127.0.0.1:15432/starling_staging');
    expect(plain.mysql.tls).toBeUndefined();
    expect(plain.registry.auth).toBeUndefined();
    expect(plain.connect.auth).toBeUndefined();
    expect(plain.kafka.saslPort).toBe(19094);
  });
});

describe('withPostgresTls', () => {
  it("gives libpq's meaning to sslmode, adds a CA only where it verifies, and leaves db2 URLs alone", () => {
    const env = { STARLING_POSTGRES_SSL_MODE: 'require', STARLING_POSTGRES_SSL_CA_FILE: undefined } as const;
    expect(withPostgresTls('postgres://h/db', env)).toBe(
      'postgres://h/db?sslmode=require&uselibpqcompat=true',
    );
    expect(
      withPostgresTls('postgres://h/db?sslmode=disable', {
        STARLING_POSTGRES_SSL_MODE: 'verify-full',
        STARLING_POSTGRES_SSL_CA_FILE: '/ca',
      }),
    ).toBe('postgres://h/db?sslmode=disable&uselibpqcompat=true');
    expect(
      withPostgresTls('postgres://h/db?sslmode=verify-ca', {
        STARLING_POSTGRES_SSL_MODE: undefined,
        STARLING_POSTGRES_SSL_CA_FILE: '/ca',
      }),
    ).toBe('postgres://h/db?sslmode=verify-ca&sslrootcert=%2Fca&uselibpqcompat=true');
    expect(
      withPostgresTls('postgres://h/db', {
        STARLING_POSTGRES_SSL_MODE: undefined,
        STARLING_POSTGRES_SSL_CA_FILE: undefined,
      }),
    ).toBe('postgres://h/db');
    expect(
      withPostgresTls('db2://u:p@h:50000/DW', {
        STARLING_POSTGRES_SSL_MODE: 'verify-full',
        STARLING_POSTGRES_SSL_CA_FILE: '/ca',
      }),
    ).toBe('db2://u:p@h:50000/DW');
  });
});

describe('mysqlSslOptions and authHeaders', () => {
  it("maps MySQL's --ssl-mode onto mysql2's options", () => {
    expect(mysqlSslOptions(undefined)).toBeUndefined();
    expect(mysqlSslOptions({ mode: 'disable', caFile: undefined, ca: undefined })).toBeUndefined();
    expect(mysqlSslOptions({ mode: 'required', caFile: undefined, ca: undefined })).toEqual({
      rejectUnauthorized: false,
    });
    expect(mysqlSslOptions({ mode: 'verify-ca', caFile: '/ca', ca: 'PEM' })).toEqual({
      ca: 'PEM',
      rejectUnauthorized: true,
      verifyIdentity: false,
    });
    expect(mysqlSslOptions({ mode: 'verify-full', caFile: '/ca', ca: 'PEM' })).toEqual({
      ca: 'PEM',
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });

  it('builds a basic-auth header only with credentials', () => {
    expect(authHeaders(undefined)).toEqual({});
    expect(authHeaders({ username: 'u', password: 'p:w' })).toEqual({
      authorization: `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    });
  });
});
