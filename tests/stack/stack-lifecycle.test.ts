import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stackPaths } from '../../infra/stack/paths.js';
import { starling } from '../support/cli.js';
import { testConfig } from '../support/context.js';
import { isLoopback, listeningSockets, processesMentioning, stackPids } from '../support/processes.js';

const main = testConfig();
/** A Node.js stack frame (file:line:column); the Java frames inside a service's log tail are fine. */
const NODE_STACK = /^\s+at .*\.m?[jt]s:\d+:\d+\)?$/m;
const jars = stackPaths(main).jars;

/** A second, throw-away stack on other ports, sharing the resolved jars, so up/down can be tested freely. */
function scratchStack(offset: number): { env: Record<string, string>; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'starling-it-'));
  chmodSync(home, 0o755); // MariaDB and PostgreSQL run as their own users and must reach their data
  return {
    home,
    env: {
      STARLING_HOME: home,
      STARLING_JARS_DIR: jars,
      STARLING_MARIADB_PORT: String(13306 + offset),
      STARLING_POSTGRES_PORT: String(15432 + offset),
      STARLING_KAFKA_PORT: String(19092 + offset),
      STARLING_KAFKA_CONTROLLER_PORT: String(19093 + offset),
      STARLING_KAFKA_SASL_PORT: String(19094 + offset),
      STARLING_CONNECT_PORT: String(18083 + offset),
      STARLING_REGISTRY_PORT: String(18081 + offset),
      STARLING_REGISTRY_MANAGEMENT_PORT: String(18082 + offset),
      STARLING_HTTP_PORT: String(3000 + offset),
    },
  };
}

/** Every service of the running stacks is external to a scratch stack, except the ones a test starts. */
function externalToMain(): Record<string, string> {
  return {
    STARLING_MYSQL_URL: `mysql://${main.mysql.user}:${main.mysql.password}@127.0.0.1:${main.mysql.port}`,
    STARLING_POSTGRES_URL: main.postgres.serverUrl,
    STARLING_KAFKA_BROKERS: main.kafka.brokers.join(','),
    STARLING_CONNECT_URL: main.connect.url,
    STARLING_REGISTRY_URL: main.registry.url,
  };
}

const cleanup: Array<() => void> = [];
afterAll(() => {
  for (const f of cleanup) f();
});

describe('the running stack', () => {
  it('listens on loopback only', () => {
    const pids = stackPids(stackPaths(main).run);
    expect([...pids.keys()].sort()).toEqual(['connect', 'kafka', 'mariadb', 'postgresql', 'registry']);
    const ours = new Set([...pids.values()].flat());
    const sockets = listeningSockets().filter((s) => ours.has(s.pid));
    expect(sockets.length).toBeGreaterThanOrEqual(7);
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
  });

  it('a second `stack up` restarts nothing', async () => {
    const before = stackPids(stackPaths(main).run);
    const r = await starling(['stack', 'up']);
    expect(r.code, r.stderr).toBe(0);
    expect(stackPids(stackPaths(main).run)).toEqual(before);
    console.info(`second stack up took ${r.ms} ms`);
  });
});

describe('a scratch stack, from nothing to up to down', () => {
  const s = scratchStack(100);
  cleanup.push(() => rmSync(s.home, { recursive: true, force: true }));

  it('comes up with every service ready, on loopback, and a second up is harmless', async () => {
    const up = await starling(['stack', 'up'], s.env);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    for (const name of ['mariadb', 'postgresql', 'kafka', 'registry', 'connect']) {
      expect(up.stdout).toMatch(new RegExp(`${name}\\s+local\\s+\\S+ \\.\\.\\. ready`));
    }
    const pids = stackPids(join(s.home, 'run'));
    const ours = new Set([...pids.values()].flat());
    expect(listeningSockets().filter((x) => ours.has(x.pid) && !isLoopback(x.address))).toEqual([]);

    const again = await starling(['stack', 'up'], s.env);
    expect(again.code).toBe(0);
    expect(stackPids(join(s.home, 'run'))).toEqual(pids);
    const status = await starling(['stack', 'status', '--json'], s.env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).map((x: { state: string }) => x.state)).toEqual(
      Array(5).fill('running'),
    );
  });

  it('`stack down` stops every process it started and leaves none behind', async () => {
    const down = await starling(['stack', 'down'], s.env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('stopped: connect, registry, kafka, postgresql, mariadb');
    expect(processesMentioning(s.home)).toEqual([]);
    const status = await starling(['stack', 'status', '--json'], s.env);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout).map((x: { state: string }) => x.state)).toEqual(
      Array(5).fill('stopped'),
    );
    // The main stack is untouched.
    expect((await starling(['stack', 'status'])).code).toBe(0);
  });
});

describe('failures are one plain message', () => {
  it('an occupied port names the port and the setting to change', async () => {
    const s = scratchStack(200);
    cleanup.push(() => rmSync(s.home, { recursive: true, force: true }));
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const { STARLING_MYSQL_URL: _, ...others } = externalToMain();
      const r = await starling(['stack', 'up'], { ...s.env, ...others, STARLING_MARIADB_PORT: String(port) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `mariadb failed to start: port ${port} is already in use by another process`,
      );
      expect(r.stderr).toContain('STARLING_MARIADB_PORT');
      expect(r.stderr).not.toMatch(NODE_STACK);
    } finally {
      server.close();
    }
  });

  it('a service that dies on start is named, with the tail of its own log', async () => {
    const s = scratchStack(300);
    cleanup.push(() => rmSync(s.home, { recursive: true, force: true }));
    // A KRaft storage folder that claims to be formatted but is not: the broker exits at start.
    mkdirSync(join(s.home, 'data', 'kafka'), { recursive: true });
    writeFileSync(join(s.home, 'data', 'kafka', 'meta.properties'), 'version=1\nnode.id=999\n');
    const { STARLING_KAFKA_BROKERS: _, ...others } = externalToMain();
    const r = await starling(['stack', 'up'], { ...s.env, ...others });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kafka failed to start: kafka exited during start-up');
    // (The path may show *** where it contains the local stack's password, which is scrubbed everywhere.)
    expect(r.stderr).toMatch(/Last lines of its log \(\S+\/logs\/kafka\.log\)/);
    expect(r.stderr).toContain('No readable meta.properties files found');
    expect(r.stderr).not.toMatch(NODE_STACK);
    expect(processesMentioning(s.home)).toEqual([]);
  });

  it('bad configuration lists every problem at once, without a stack trace', async () => {
    const r = await starling(['stack', 'status'], {
      STARLING_KAFKA_PORT: 'abc',
      STARLING_MYSQL_URL: 'http://nope',
      STARLING_NO_SUCH_SETTING: '1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Starling's configuration has 3 problems");
    expect(r.stderr).toContain('STARLING_KAFKA_PORT');
    expect(r.stderr).toContain('STARLING_MYSQL_URL');
    expect(r.stderr).toContain('STARLING_NO_SUCH_SETTING: unknown setting');
    expect(r.stderr).not.toMatch(NODE_STACK);
  });

  it('a password in an external URL is never printed', async () => {
    const r = await starling(['stack', 'status'], {
      STARLING_POSTGRES_URL: 'postgres://admin:Sup3rS3cret@127.0.0.1:1/db',
      STARLING_KAFKA_PORT: 'bad',
    });
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).not.toContain('Sup3rS3cret');
  });
});
