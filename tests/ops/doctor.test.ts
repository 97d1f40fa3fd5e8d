import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { runDoctor } from '../../ops/doctor/doctor.js';
import type { DoctorReport, Finding } from '../../ops/doctor/types.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig, uniqueName } from '../support/context.js';

// `starling doctor` against the local stack: as configured, it finds nothing wrong; then, with a throwaway
// capture user (no REPLICATION CLIENT, no grant on the signal table), a throwaway PostgreSQL role and
// database (no CREATE, a schema and a table owned by someone else), a raw topic under a throwaway prefix
// that keeps one hour, and a registry subject at FULL compatibility, it names each with its fix.
const base = testConfig();
const name = uniqueName('doc');
const prefix = name.replaceAll('_', '-');
const password = `pw-${name}`;
const topic = `${prefix}.sales.orders`;
const subject = `${topic}-value`;
const env = {
  STARLING_MYSQL_URL: `mysql://${name}:${password}@${base.mysql.host}:${base.mysql.port}`,
  STARLING_STAGING_URL: (() => {
    const u = new URL(base.postgres.serverUrl);
    u.username = name;
    u.password = password;
    u.pathname = `/${name}`;
    return u.toString();
  })(),
  STARLING_TOPIC_PREFIX: prefix,
};
const broken = loadConfig({ ...process.env, ...env });

const notOk = (r: DoctorReport) => r.systems.flatMap((s) => s.findings).filter((f) => f.status !== 'OK');
const brief = (f: Finding) => `${f.system} ${f.status} ${f.check}: ${f.detail}`;

/** Another engineer restarts services now and then: wait until every system answers before judging. */
async function doctorWhenReachable(config: StarlingConfig): Promise<DoctorReport> {
  let report: DoctorReport | undefined;
  await expect
    .poll(
      async () => {
        report = await runDoctor(config);
        return notOk(report)
          .filter((f) => f.check === 'reachable')
          .map(brief);
      },
      { timeout: 120_000, interval: 2000 },
    )
    .toEqual([]);
  return report!;
}

async function pgAdmin<T>(f: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const u = new URL(base.postgres.serverUrl);
  if (database) u.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

const ccompat = base.registry.ccompatUrl;
async function registry(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${ccompat}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

beforeAll(async () => {
  const my = await mysqlConnection(base);
  try {
    await my.query('CREATE USER ?@? IDENTIFIED BY ?', [name, '127.0.0.1', password]);
    // Everything Debezium needs except REPLICATION CLIENT; nothing on the signal table.
    await my.query('GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, LOCK TABLES ON *.* TO ?@?', [
      name,
      '127.0.0.1',
    ]);
  } finally {
    await my.end();
  }
  await pgAdmin(async (c) => {
    await c.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  // A schema Starling would write in, with a table, both owned by the admin: the role has neither USAGE,
  // CREATE nor ownership; the database's CREATE is not granted to it either (PostgreSQL's default).
  await pgAdmin(async (c) => {
    await c.query('CREATE SCHEMA sales');
    await c.query('CREATE TABLE sales.customers (id int PRIMARY KEY)');
  }, name);
  const admin = createKafka({ brokers: base.kafka.brokers }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: -1,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'retention.ms', value: '3600000' },
          ],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  const schema = { type: 'record', name: 'Orders', fields: [{ name: 'id', type: 'int' }] };
  const reg = await registry('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
    schema: JSON.stringify(schema),
  });
  expect(reg.status, await reg.text()).toBe(200);
  const put = await registry('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: 'FULL' });
  expect(put.status, await put.text()).toBe(200);
});

afterAll(async () => {
  // Every step is attempted, so one failure does not leave the others behind.
  const failed: string[] = [];
  const step = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      failed.push(`${what}: ${(e as Error).message}`);
    }
  };
  await step('mariadb user', async () => {
    const my = await mysqlConnection(base);
    try {
      await my.query('DROP USER IF EXISTS ?@?', [name, '127.0.0.1']);
    } finally {
      await my.end();
    }
  });
  await step('postgres', () =>
    pgAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS "${name}"`);
    }),
  );
  await step('topic', async () => {
    const admin = createKafka({ brokers: base.kafka.brokers }).admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });
  await step('subject', async () => {
    for (const permanent of ['', '?permanent=true']) {
      const r = await registry('DELETE', `/subjects/${encodeURIComponent(subject)}${permanent}`);
      if (!r.ok && r.status !== 404) throw new Error(`HTTP ${r.status}`);
    }
  });
  expect(failed).toEqual([]);
});

describe('starling doctor', () => {
  it('finds nothing wrong with the local stack as configured', async () => {
    const report = await doctorWhenReachable(base);
    expect(notOk(report).map(brief)).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.systems.map((s) => s.system)).toEqual([
      'source',
      'staging',
      'warehouse',
      'kafka',
      'registry',
      'connect',
    ]);
  });

  it('names each broken grant, privilege, topic and subject with its fix', async () => {
    const report = await doctorWhenReachable(broken);
    const found = notOk(report);
    const byCheck = (system: string, check: string) =>
      found.find((f) => f.system === system && f.check === check);
    expect(found.map((f) => `${f.system} ${f.status} ${f.check}`).sort()).toEqual(
      [
        'source PROBLEM grant REPLICATION CLIENT',
        'source PROBLEM grant on sales.debezium_signal',
        'staging PROBLEM CREATE on database',
        'staging PROBLEM schema sales',
        'staging PROBLEM tables in sales',
        `kafka WARN topic ${topic}`,
        `registry PROBLEM subject ${subject}`,
      ].sort(),
    );
    expect(byCheck('source', 'grant REPLICATION CLIENT')?.fix).toBe(
      `GRANT REPLICATION CLIENT ON *.* TO '${name}'@'127.0.0.1';`,
    );
    expect(byCheck('source', 'grant on sales.debezium_signal')).toMatchObject({
      detail: 'missing INSERT, UPDATE, DELETE',
      fix: `GRANT INSERT, UPDATE, DELETE ON \`sales\`.\`debezium_signal\` TO '${name}'@'127.0.0.1';`,
    });
    expect(byCheck('staging', 'CREATE on database')?.fix).toContain(
      `GRANT CREATE ON DATABASE "${name}" TO "${name}";`,
    );
    expect(byCheck('staging', 'schema sales')?.fix).toBe(
      `GRANT USAGE, CREATE ON SCHEMA "sales" TO "${name}";`,
    );
    expect(byCheck('staging', 'tables in sales')?.detail).toContain('sales.customers (owner starling)');
    expect(byCheck('kafka', `topic ${topic}`)).toMatchObject({
      detail: 'retention.ms=3600000: keeps 1 h of history',
      fix: expect.stringContaining(`--entity-name ${topic} --add-config retention.ms=-1`),
    });
    expect(byCheck('registry', `subject ${subject}`)).toMatchObject({
      detail: 'FULL',
      fix: expect.stringContaining(`${ccompat}/config/${subject}`),
    });
    expect(report.exitCode).toBe(1);
  });

  it('prints the same as JSON from the CLI, one PROBLEM for an unreachable system, secrets masked', async () => {
    const secret = 'n0t-f0r-pr1nt1ng';
    const r = await starling(['doctor', '--json'], {
      ...env,
      STARLING_WAREHOUSE_URL: `postgres://someone:${secret}@127.0.0.1:1/nowhere`,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain(password);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const warehouse = report.systems.find((s) => s.system === 'warehouse')!;
    expect(warehouse.target).toBe('postgres://someone:***@127.0.0.1:1/nowhere');
    expect(warehouse.findings).toHaveLength(1);
    expect(warehouse.findings[0]).toMatchObject({ status: 'PROBLEM', check: 'reachable' });
    // The other systems were still checked.
    expect(report.systems.find((s) => s.system === 'source')!.findings.length).toBeGreaterThan(10);
    expect(report.summary.problem).toBeGreaterThanOrEqual(7);
  });

  it('prints a table with a summary line, and exits 2 for a configuration mistake', async () => {
    const text = await starling(['doctor'], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/fix: GRANT REPLICATION CLIENT ON \*\.\* TO/);
    expect(text.stdout.trimEnd().split('\n').pop()).toMatch(
      /^\d+ problems?, \d+ warnings?, \d+ OK: fix the problems before capture starts$/,
    );
    const bad = await starling(['doctor'], { STARLING_KAFKA_BROKERS: 'not a broker list' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('STARLING_KAFKA_BROKERS');
    expect(bad.stderr).not.toContain('    at ');
  });
});
