import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/user-error.js';
import {
  LOCAL_CAPTURE_PASSWORD,
  LOCAL_CAPTURE_USER,
  LOCAL_MYSQL_PASSWORD,
  LOCAL_MYSQL_USER,
  loadConfig,
  parseConfigFile,
  REPO_ROOT,
} from './load.js';

/** Runs `fn`, expects a ConfigError, and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfig defaults (empty env)', () => {
  const config = loadConfig({});

  it('uses the local stack ports', () => {
    expect(config.mysql.port).toBe(13306);
    expect(config.postgres.port).toBe(15432);
    expect(config.kafka.port).toBe(19092);
    expect(config.kafka.controllerPort).toBe(19093);
    expect(config.connect.port).toBe(18083);
    expect(config.registry.port).toBe(18081);
    expect(config.registry.managementPort).toBe(18082);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
  });

  it('points every client at the local services', () => {
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.connect.url).toBe('http://127.0.0.1:18083');
    expect(config.registry.url).toBe('http://127.0.0.1:18081');
    expect(config.registry.ccompatUrl).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
    expect(config.mysql).toEqual({
      external: false,
      host: '127.0.0.1',
      port: 13306,
      user: LOCAL_MYSQL_USER,
      password: LOCAL_MYSQL_PASSWORD,
      captureUser: LOCAL_CAPTURE_USER,
      capturePassword: LOCAL_CAPTURE_PASSWORD,
    });
  });

  it('derives one database URL per role from the local server URL', () => {
    expect(config.postgres.serverUrl).toBe('postgres://starling:starling@127.0.0.1:15432/postgres');
    expect(config.postgres.stagingUrl).toBe('postgres://starling:starling@127.0.0.1:15432/starling_staging');
    expect(config.postgres.warehouseUrl).toBe(
      'postgres://starling:starling@127.0.0.1:15432/starling_warehouse',
    );
    expect(config.postgres.registryDbUrl).toBe(
      'postgres://starling:starling@127.0.0.1:15432/starling_registry',
    );
  });

  it('marks nothing external and has no optional services or secrets', () => {
    expect(config.mysql.external).toBe(false);
    expect(config.postgres.external).toBe(false);
    expect(config.kafka.external).toBe(false);
    expect(config.connect.external).toBe(false);
    expect(config.registry.external).toBe(false);
    expect(config.mongodb).toBeUndefined();
    expect(config.db2).toBeUndefined();
    expect(config.secrets).toEqual([]);
  });

  it('has the default capture settings, heaps and home', () => {
    expect(config.topics).toEqual({
      prefix: 'softcart',
      partitions: 1,
      retentionMs: -1,
      sourceDatabases: ['sales'],
    });
    expect(config.heaps).toEqual({ kafka: '512m', connect: '768m', registry: '384m' });
    expect(config.env.STARLING_LOG_LEVEL).toBe('info');
    expect(config.home).toBe(join(REPO_ROOT, '.starling'));
    expect(config.dataDir).toBeUndefined();
  });

  it('treats an empty value as unset and ignores variables that are not STARLING_ settings', () => {
    const c = loadConfig({ STARLING_MARIADB_PORT: '', PATH: '/usr/bin', HOME: '/root' });
    expect(c.mysql.port).toBe(13306);
  });
});

describe('loadConfig with settings', () => {
  it('coerces ports and numbers and moves the derived URLs with them', () => {
    const c = loadConfig({
      STARLING_POSTGRES_PORT: '25432',
      STARLING_KAFKA_PORT: '29092',
      STARLING_REGISTRY_PORT: '28081',
      STARLING_TOPIC_PARTITIONS: '6',
      STARLING_TOPIC_RETENTION_MS: '604800000',
    });
    expect(c.postgres.port).toBe(25432);
    expect(c.postgres.stagingUrl).toBe('postgres://starling:starling@127.0.0.1:25432/starling_staging');
    expect(c.kafka.brokers).toEqual(['127.0.0.1:29092']);
    expect(c.registry.ccompatUrl).toBe('http://127.0.0.1:28081/apis/ccompat/v7');
    expect(c.topics.partitions).toBe(6);
    expect(c.topics.retentionMs).toBe(604_800_000);
  });

  it('splits and trims the source database list, dropping empty entries', () => {
    const c = loadConfig({ STARLING_SOURCE_DATABASES: ' sales , ,inventory,' });
    expect(c.topics.sourceDatabases).toEqual(['sales', 'inventory']);
  });

  it('keeps an absolute STARLING_HOME as given', () => {
    const home = join(tmpdir(), 'starling-home');
    expect(loadConfig({ STARLING_HOME: home }).home).toBe(home);
  });
});

describe('loadConfig problems', () => {
  it('reports a bad port, a bad URL scheme and an unknown key in one ConfigError', () => {
    const err = configError(() =>
      loadConfig({
        STARLING_MARIADB_PORT: 'not-a-port',
        STARLING_CONNECT_URL: 'ftp://connect:8083',
        STARLING_NO_SUCH_SETTING: '1',
      }),
    );
    expect(err.problems).toHaveLength(3);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^STARLING_MARIADB_PORT: /),
        expect.stringMatching(/^STARLING_CONNECT_URL: must be a URL with scheme http:\/\/ or https:\/\//),
        expect.stringMatching(/^STARLING_NO_SUCH_SETTING: unknown setting \(known: .*STARLING_MARIADB_PORT/),
      ]),
    );
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/has 3 problems:/);
    for (const p of err.problems) expect(err.message).toContain(`  - ${p}`);
  });

  it('rejects out-of-range ports, bad broker lists, bad prefixes and bad heaps', () => {
    const err = configError(() =>
      loadConfig({
        STARLING_POSTGRES_PORT: '70000',
        STARLING_KAFKA_BROKERS: 'kafka1:9092,kafka2',
        STARLING_TOPIC_PREFIX: 'has.dots',
        STARLING_KAFKA_HEAP: '2 GB',
      }),
    );
    const keys = err.problems.map((p) => p.split(':')[0]);
    expect(keys.sort()).toEqual([
      'STARLING_KAFKA_BROKERS',
      'STARLING_KAFKA_HEAP',
      'STARLING_POSTGRES_PORT',
      'STARLING_TOPIC_PREFIX',
    ]);
  });

  it('reports a port collision', () => {
    const err = configError(() => loadConfig({ STARLING_POSTGRES_PORT: '18083' }));
    expect(err.problems).toEqual(['STARLING_CONNECT_PORT: port 18083 is also STARLING_POSTGRES_PORT']);
    expect(err.message).toMatch(/has 1 problem:\n {2}- STARLING_CONNECT_PORT: port 18083/);
  });

  it('reports an external MySQL URL without a user', () => {
    const err = configError(() => loadConfig({ STARLING_MYSQL_URL: 'mysql://db:3306' }));
    expect(err.problems).toEqual([expect.stringMatching(/^STARLING_MYSQL_URL: must include the user name/)]);
  });

  it('reports a port collision together with schema problems (every problem at once)', () => {
    const err = configError(() =>
      loadConfig({
        STARLING_MARIADB_PORT: 'not-a-port',
        STARLING_CONNECT_URL: 'ftp://connect:8083',
        STARLING_NO_SUCH_SETTING: '1',
        STARLING_POSTGRES_PORT: '18081',
      }),
    );
    expect(err.problems).toHaveLength(4);
    expect(err.problems).toContain('STARLING_REGISTRY_PORT: port 18081 is also STARLING_POSTGRES_PORT');
  });
});

describe('loadConfig with external services', () => {
  it('parses an external MySQL URL and keeps its decoded password as a secret', () => {
    const c = loadConfig({ STARLING_MYSQL_URL: 'mysql://u:p%40ss@db:3307' });
    expect(c.mysql).toEqual({
      external: true,
      host: 'db',
      port: 3307,
      user: 'u',
      password: 'p@ss',
      captureUser: 'u',
      capturePassword: 'p@ss',
    });
    expect(c.secrets).toContain('p@ss');
  });

  it('defaults an external MySQL port to 3306 and accepts the mariadb scheme', () => {
    const c = loadConfig({ STARLING_MYSQL_URL: 'mariadb://app:pw@maria.example' });
    expect(c.mysql.port).toBe(3306);
    expect(c.mysql.host).toBe('maria.example');
  });

  it('derives the database URLs from an external PostgreSQL server URL', () => {
    const c = loadConfig({ STARLING_POSTGRES_URL: 'postgres://admin:s3cret@pg.example:6543/postgres' });
    expect(c.postgres.external).toBe(true);
    expect(c.postgres.port).toBe(6543);
    expect(c.postgres.serverUrl).toBe('postgres://admin:s3cret@pg.example:6543/postgres');
    expect(c.postgres.stagingUrl).toBe('postgres://admin:s3cret@pg.example:6543/starling_staging');
    expect(c.postgres.warehouseUrl).toBe('postgres://admin:s3cret@pg.example:6543/starling_warehouse');
    expect(c.postgres.registryDbUrl).toBe('postgres://admin:s3cret@pg.example:6543/starling_registry');
    expect(c.secrets).toEqual(['s3cret']);
  });

  it('lets a staging or warehouse URL override the derived one and collects every URL password', () => {
    const c = loadConfig({
      STARLING_STAGING_URL: 'postgresql://st:stpw@stage:5432/stage',
      STARLING_WAREHOUSE_URL: 'db2://wh:wh%23pw@db2host:50000/WH',
    });
    expect(c.postgres.external).toBe(false);
    expect(c.postgres.stagingUrl).toBe('postgresql://st:stpw@stage:5432/stage');
    expect(c.postgres.warehouseUrl).toBe('db2://wh:wh%23pw@db2host:50000/WH');
    expect(c.secrets).toEqual(expect.arrayContaining(['stpw', 'wh#pw']));
  });

  it('marks Kafka, Connect and the registry external and normalizes their addresses', () => {
    const c = loadConfig({
      STARLING_KAFKA_BROKERS: 'k1:9092, k2:9093',
      STARLING_CONNECT_URL: 'https://connect.example:8083//',
      STARLING_REGISTRY_URL: 'http://registry.example:8080/',
      STARLING_MONGODB_URL: 'mongodb://mongo:27017',
    });
    expect(c.kafka).toMatchObject({ external: true, brokers: ['k1:9092', 'k2:9093'] });
    expect(c.connect).toMatchObject({ external: true, url: 'https://connect.example:8083' });
    expect(c.registry).toMatchObject({
      external: true,
      url: 'http://registry.example:8080',
      ccompatUrl: 'http://registry.example:8080/apis/ccompat/v7',
    });
    expect(c.mongodb).toEqual({ url: 'mongodb://mongo:27017' });
  });
});

describe('STARLING_CONFIG_FILE', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'starling-config-test-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads KEY=VALUE lines with comments, blank lines and quotes', () => {
    const file = write(
      'kv.env',
      [
        '# local overrides',
        '',
        'STARLING_MARIADB_PORT=23306',
        "STARLING_TOPIC_PREFIX = 'shop'",
        'STARLING_SOURCE_DATABASES="sales,inventory"',
        'STARLING_HTTP_HOST=0.0.0.0\r',
      ].join('\n'),
    );
    const c = loadConfig({ STARLING_CONFIG_FILE: file });
    expect(c.mysql.port).toBe(23306);
    expect(c.topics.prefix).toBe('shop');
    expect(c.topics.sourceDatabases).toEqual(['sales', 'inventory']);
    expect(c.http.host).toBe('0.0.0.0');
  });

  it('reads a JSON object, numbers included', () => {
    const file = write(
      'config.json',
      JSON.stringify({ STARLING_POSTGRES_PORT: 25432, STARLING_KAFKA_BROKERS: 'k:9092' }),
    );
    const c = loadConfig({ STARLING_CONFIG_FILE: file });
    expect(c.postgres.port).toBe(25432);
    expect(c.kafka.brokers).toEqual(['k:9092']);
    expect(c.kafka.external).toBe(true);
  });

  it('lets the environment override the file', () => {
    const file = write('override.env', 'STARLING_MARIADB_PORT=23306\nSTARLING_TOPIC_PREFIX=fromfile\n');
    const c = loadConfig({ STARLING_CONFIG_FILE: file, STARLING_MARIADB_PORT: '33306' });
    expect(c.mysql.port).toBe(33306);
    expect(c.topics.prefix).toBe('fromfile');
  });

  it('reports an unknown key in the file along with other problems', () => {
    const file = write('unknown.env', 'STARLING_NOT_A_KEY=1\nSTARLING_HTTP_PORT=0\n');
    const err = configError(() => loadConfig({ STARLING_CONFIG_FILE: file }));
    expect(err.problems).toHaveLength(2);
    expect(err.problems).toContain(`${file}: unknown key STARLING_NOT_A_KEY`);
    expect(err.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^STARLING_HTTP_PORT: /)]));
  });

  it('reports an unknown key in a JSON file', () => {
    const file = write('unknown.json', '{"STARLING_TYPO_PORT": 1}');
    const err = configError(() => loadConfig({ STARLING_CONFIG_FILE: file }));
    expect(err.problems).toEqual([`${file}: unknown key STARLING_TYPO_PORT`]);
  });

  it('reports a malformed line with its file and line number', () => {
    const file = write('bad.env', '# comment\nSTARLING_MARIADB_PORT=23306\nthis line has no equals sign\n');
    const err = configError(() => loadConfig({ STARLING_CONFIG_FILE: file }));
    expect(err.problems).toEqual([`${file}:3: expected KEY=VALUE`]);
  });

  it('reports invalid JSON', () => {
    const file = write('bad.json', '{"STARLING_MARIADB_PORT": }');
    const err = configError(() => loadConfig({ STARLING_CONFIG_FILE: file }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.startsWith(`${file}: not valid JSON (`)).toBe(true);
  });

  it('reports a file it cannot read', () => {
    const file = join(dir, 'missing.env');
    const err = configError(() => loadConfig({ STARLING_CONFIG_FILE: file }));
    expect(err.problems).toEqual([`STARLING_CONFIG_FILE: cannot read ${file} (ENOENT)`]);
  });
});

describe('parseConfigFile', () => {
  it('parses KEY=VALUE text, keeping = inside values', () => {
    expect(parseConfigFile('A=1\nB = x=y \n#C=3\n', 'f')).toEqual({ A: '1', B: 'x=y' });
  });

  it('stringifies JSON values', () => {
    expect(parseConfigFile(' {"A": 1, "B": true, "C": "s"} ', 'f.json')).toEqual({
      A: '1',
      B: 'true',
      C: 's',
    });
  });

  it('reports every malformed line at once, a line starting with = included', () => {
    const err = configError(() => parseConfigFile('A=1\nnope\n=x\n', 'f.env'));
    expect(err.problems).toEqual(['f.env:2: expected KEY=VALUE', 'f.env:3: expected KEY=VALUE']);
  });

  it('numbers lines from the top of the file even after leading blank lines', () => {
    const err = configError(() => parseConfigFile('\n\nnope\n', 'f.env'));
    expect(err.problems).toEqual(['f.env:3: expected KEY=VALUE']);
  });
});

describe('web-log settings', () => {
  it('are off by default: no file, the course exclusion, archives under the home', () => {
    const c = loadConfig({ STARLING_HOME: '/srv/starling' });
    expect(c.weblog).toEqual({
      file: undefined,
      excludedIps: new Set(['198.46.149.143']),
      archiveDir: '/srv/starling/weblog-archives',
      group: 'starling-weblog',
      archiveGraceMs: 60_000,
    });
  });

  it('resolves the file and archive dir, canonicalises the excluded addresses, and takes none', () => {
    const c = loadConfig({
      STARLING_WEBLOG_FILE: '/var/log/apache2/access.log',
      STARLING_WEBLOG_EXCLUDE_IPS: ' 10.0.0.1 , 2001:DB8:0::1',
      STARLING_WEBLOG_ARCHIVE_DIR: '/srv/archives',
      STARLING_WEBLOG_GROUP: 'weblog-test',
      STARLING_WEBLOG_ARCHIVE_GRACE_MS: '500',
    });
    expect(c.weblog).toEqual({
      file: '/var/log/apache2/access.log',
      excludedIps: new Set(['10.0.0.1', '2001:db8::1']),
      archiveDir: '/srv/archives',
      group: 'weblog-test',
      archiveGraceMs: 500,
    });
    expect(loadConfig({ STARLING_WEBLOG_EXCLUDE_IPS: 'none' }).weblog.excludedIps).toEqual(new Set());
  });

  it('reports every bad excluded address and a bad grace period in one ConfigError', () => {
    const err = configError(() =>
      loadConfig({
        STARLING_WEBLOG_EXCLUDE_IPS: '1.2.3.4,,not-an-ip',
        STARLING_WEBLOG_ARCHIVE_GRACE_MS: '-1',
      }),
    );
    expect(err.problems).toEqual([
      'STARLING_WEBLOG_EXCLUDE_IPS: excluded IP entry 2 is empty (a stray comma?)',
      'STARLING_WEBLOG_EXCLUDE_IPS: excluded IP entry 3, "not-an-ip", is not an IPv4 or IPv6 address',
      expect.stringMatching(/^STARLING_WEBLOG_ARCHIVE_GRACE_MS: /),
    ]);
  });
});
