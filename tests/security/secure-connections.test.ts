import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/config/load.js';
import { withPostgresTls } from '../../core/config/security.js';
import { createConsumer, createKafka, createProducer, ensureTopic } from '../../core/kafka/client.js';
import {
  LOCAL_KAFKA_SASL_PASSWORD,
  LOCAL_KAFKA_SASL_USER,
  upsertScramUser,
} from '../../infra/stack/kafka.js';
import { stackPaths } from '../../infra/stack/paths.js';
import { localTlsPaths } from '../../infra/stack/tls.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { dataDirFor } from '../../seeds/source.js';
import { newCapture } from '../support/capture.js';
import { type CliResult, starling } from '../support/cli.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';
import { testHttpPort } from '../support/ports.js';
import { newStar } from '../support/star.js';

// Secured connections, live: `starling run` and the CLI reach Kafka through the stack's SASL_PLAINTEXT
// listener as a SCRAM-SHA-256 user made for this test, and PostgreSQL with verify-full TLS against the
// stack's CA as a role made for this test, both with random passwords. Every byte the processes print is
// then searched for every configured secret.
const base = testConfig();
const paths = stackPaths(base);
const ca = localTlsPaths(paths.conf).caCert;
const secret = () => randomBytes(18).toString('hex');
const scramUser = uniqueName('it-scram');
const scramPassword = secret();
const role = uniqueName('it_sec_role');
const rolePassword = secret();
const connectPassword = secret();
const registryPassword = secret();
const stagingDb = uniqueName('it_sec_staging');
const warehouseDb = uniqueName('it_sec_warehouse');
const dataDir = dataDirFor(undefined);
/** A name of this machine that resolves to 127.0.0.1 but is not in the server certificate, if it has one. */
const otherName = await lookup(hostname(), { family: 4 })
  .then((a) => (a.address === '127.0.0.1' && hostname() !== 'localhost' ? hostname() : undefined))
  .catch(() => undefined);

const cap = newCapture(base, 'it_sec');
// Conform runs in a plain process: streams/conform/conform-service.ts does not take the Kafka security yet.
const star = newStar(cap, { stages: 'conform' });
const secured: Record<string, string> = {
  ...star.env,
  STARLING_PIPELINE: 'staging,warehouse',
  STARLING_HTTP_PORT: testHttpPort(),
  STARLING_KAFKA_BROKERS: `127.0.0.1:${base.kafka.saslPort}`,
  STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
  STARLING_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
  STARLING_KAFKA_SASL_USERNAME: scramUser,
  STARLING_KAFKA_SASL_PASSWORD: scramPassword,
  STARLING_POSTGRES_SSL_MODE: 'verify-full',
  STARLING_POSTGRES_SSL_CA_FILE: ca,
  // `localhost`, not 127.0.0.1: verify-full checks the name against the certificate (it holds both).
  STARLING_STAGING_URL: `postgres://${role}:${rolePassword}@localhost:${base.postgres.port}/${stagingDb}`,
  STARLING_WAREHOUSE_URL: `postgres://${role}:${rolePassword}@localhost:${base.postgres.port}/${warehouseDb}`,
  // The local Connect and registry run without authentication and ignore the header; what is checked here is
  // that the credentials are accepted, sent, and never printed.
  STARLING_CONNECT_USERNAME: 'starling-ops',
  STARLING_CONNECT_PASSWORD: connectPassword,
  STARLING_REGISTRY_USERNAME: 'starling-ops',
  STARLING_REGISTRY_PASSWORD: registryPassword,
};
const SECRETS = [scramPassword, rolePassword, connectPassword, registryPassword];

const admin = new pg.Pool({ connectionString: base.postgres.serverUrl, max: 1 });
const outputs: Array<{ what: string; text: string }> = [];
const children: ChildProcess[] = [];
let tmp = '';

async function cli(what: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const r = await starling(args, env, 120_000);
  outputs.push({ what, text: r.stdout + r.stderr });
  return r;
}

/** A long-running `starling run`, its output kept for the secrets check; stopped by the last test or afterAll. */
function runPipeline(what: string, env: Record<string, string>): void {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out = { what, text: '' };
  outputs.push(out);
  child.stdout!.on('data', (d) => {
    out.text += d;
  });
  child.stderr!.on('data', (d) => {
    out.text += d;
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'starling-sec-'));
  const made = upsertScramUser(base, paths, scramUser, scramPassword, ['SCRAM-SHA-256']);
  outputs.push({ what: 'ConfigCommand', text: made.out });
  if (!made.ok) throw new Error(`creating the SCRAM user failed:\n${made.out.slice(-1500)}`);
  // CREATE ROLE takes no parameters: format() quotes the name and the password as PostgreSQL requires.
  const { rows } = await admin.query<{ sql: string }>(
    "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text) AS sql",
    [role, rolePassword],
  );
  await admin.query(rows[0]!.sql);
  for (const db of [stagingDb, warehouseDb]) await admin.query(`CREATE DATABASE "${db}" OWNER "${role}"`);
  await seedSoftcart({ config: base, database: cap.db, dataDir, scale: 1 });
  await cap.start();
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('close', r)) : undefined)),
  );
  await star.drop().catch(() => undefined);
  await cap.drop([star.conformGroup, star.warehouseGroup]);
  for (const db of [stagingDb, warehouseDb])
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`).catch(() => undefined);
  await admin.query(`DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
  await admin.end();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function count(db: string, sql: string): Promise<number> {
  const client = new pg.Client({
    connectionString: base.postgres.serverUrl.replace(/\/postgres(\?|$)/, `/${db}$1`),
  });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].n);
  } catch {
    return -1; // not created yet
  } finally {
    await client.end();
  }
}

describe('secured connections, live', () => {
  it('runs staging and warehouse over SASL/SCRAM and verify-full TLS, and the CLI with the same settings', async () => {
    const conn = await mysqlConnection(base, cap.db);
    const [[{ n: sourceSales }]] = (await conn.query('SELECT count(*) AS n FROM sales_data')) as unknown as [
      Array<{ n: number }>,
    ];
    await conn.end();
    expect(Number(sourceSales)).toBeGreaterThan(0);

    // The role's connections, sampled while the sinks work (an idle pool closes its connections).
    const seen: Array<{ datname: string; ssl: boolean }> = [];
    const sampleTls = async () => {
      const { rows } = await admin.query<{ datname: string; ssl: boolean }>(
        'SELECT a.datname, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = $1',
        [role],
      );
      seen.push(...rows);
    };
    const t0 = Date.now();
    runPipeline('conform (plaintext)', star.env);
    runPipeline('staging+warehouse (secured)', secured);
    await expect
      .poll(
        async () => {
          await sampleTls();
          return count(stagingDb, `SELECT count(*) AS n FROM "${cap.db}".sales_data`);
        },
        {
          timeout: 180_000,
          interval: 1000,
        },
      )
      .toBe(Number(sourceSales));
    await expect
      .poll(
        async () => {
          await sampleTls();
          return count(warehouseDb, `SELECT count(*) AS n FROM "${star.schema}"."FactSales"`);
        },
        {
          timeout: 180_000,
          interval: 1000,
        },
      )
      .toBe(Number(sourceSales));
    console.log(
      `secured pipeline: ${sourceSales} sales in staging and the warehouse in ${Date.now() - t0} ms`,
    );

    // Every connection of the test's role was TLS, and both the staging and the warehouse sink held some.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((c) => !c.ssl)).toEqual([]);
    expect(new Set(seen.map((c) => c.datname))).toEqual(new Set([stagingDb, warehouseDb]));

    const lag = await cli('lag', ['lag', '--group', cap.group, '--json', '--window', '0'], secured);
    expect(lag.code, lag.stderr).toBe(0);
    expect((JSON.parse(lag.stdout) as { rows: Array<{ group: string }> }).rows.length).toBeGreaterThan(0);

    const status = await cli('connectors status', ['connectors', 'status'], secured);
    expect(status.stdout).toContain(cap.connector);

    const reconcile = await cli('reconcile', ['reconcile', '--table', `${cap.db}.sales_data`], secured);
    expect(reconcile.code, reconcile.stdout + reconcile.stderr).toBe(0);
  }, 420_000);

  it('refuses a wrong SCRAM password with one message and exit code 2', async () => {
    const r = await cli('wrong password', ['lag', '--window', '0'], {
      ...secured,
      STARLING_KAFKA_SASL_PASSWORD: 'not-the-password',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^starling: Kafka refused the login .*STARLING_KAFKA_SASL_PASSWORD/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('not-the-password');
  });

  it('reports a missing CA file and a SASL protocol without credentials at start, all at once', async () => {
    const r = await cli('bad config', ['lag', '--window', '0'], {
      ...secured,
      STARLING_POSTGRES_SSL_CA_FILE: join(tmp, 'no-such-ca.crt'),
      STARLING_KAFKA_SASL_USERNAME: '',
      STARLING_KAFKA_SASL_PASSWORD: '',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `STARLING_POSTGRES_SSL_CA_FILE: cannot read ${join(tmp, 'no-such-ca.crt')} (ENOENT)`,
    );
    expect(r.stderr).toContain(
      'STARLING_KAFKA_SASL_USERNAME: required when STARLING_KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT',
    );
    expect(r.stderr).toContain('STARLING_KAFKA_SASL_PASSWORD: required');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('verify-full really verifies: a CA that did not sign the server certificate is refused', async () => {
    const otherCa = join(tmp, 'other-ca.crt');
    const made = spawnOpenssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(tmp, 'other-ca.key'),
      '-subj',
      '/CN=not the stack CA',
      '-days',
      '1',
      '-out',
      otherCa,
    ]);
    expect(made).toBe(0);
    const url = withPostgresTls(secured.STARLING_STAGING_URL!, {
      STARLING_POSTGRES_SSL_MODE: 'verify-full',
      STARLING_POSTGRES_SSL_CA_FILE: otherCa,
    });
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await expect(client.connect()).rejects.toMatchObject({
      code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/),
    });
    await client.end().catch(() => undefined);
  });

  it.runIf(otherName)(
    `verify-full refuses a host name the certificate does not hold (${otherName}, an alias of 127.0.0.1 here), verify-ca accepts it`,
    async () => {
      const url = `postgres://${role}:${rolePassword}@${otherName}:${base.postgres.port}/${stagingDb}`;
      const tls = { STARLING_POSTGRES_SSL_CA_FILE: ca } as const;
      const full = new pg.Client({
        connectionString: withPostgresTls(url, { ...tls, STARLING_POSTGRES_SSL_MODE: 'verify-full' }),
      });
      await expect(full.connect()).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      await full.end().catch(() => undefined);
      const caOnly = new pg.Client({
        connectionString: withPostgresTls(url, { ...tls, STARLING_POSTGRES_SSL_MODE: 'verify-ca' }),
      });
      await caOnly.connect();
      const { rows } = await caOnly.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      await caOnly.end();
      expect(rows).toEqual([{ ssl: true }]);
    },
  );

  it('PLAIN: the local JAAS user produces and consumes through the SASL listener', async () => {
    const kafka = createKafka({
      brokers: [`127.0.0.1:${base.kafka.saslPort}`],
      sasl: { mechanism: 'plain', username: LOCAL_KAFKA_SASL_USER, password: LOCAL_KAFKA_SASL_PASSWORD },
    });
    const topic = `${cap.prefix}.plain-check`;
    const adm = kafka.admin();
    await adm.connect();
    await ensureTopic(adm, topic, []);
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'over PLAIN' }] });
    await producer.disconnect();
    const consumer = createConsumer(kafka, { groupId: `${cap.prefix}-plain` });
    const got: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push(String(message.value));
      },
    });
    await expect.poll(() => got, { timeout: 30_000 }).toEqual(['over PLAIN']);
    await consumer.disconnect();
    await adm.deleteGroups([`${cap.prefix}-plain`]).catch(() => undefined);
    await adm.disconnect();
  });

  it('no process printed any configured secret', async () => {
    // The pipelines stop here, so their shutdown output is searched too.
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('close', r)) : undefined)),
    );
    expect(outputs.length).toBeGreaterThanOrEqual(6);
    for (const { what, text } of outputs) {
      for (const s of SECRETS) expect(text.includes(s), `${what} printed a secret`).toBe(false);
    }
  });
});

function spawnOpenssl(args: string[]): number | null {
  return spawnSync('openssl', args, { stdio: 'ignore' }).status;
}
