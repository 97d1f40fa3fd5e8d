import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { StarlingConfig } from '../../core/config/load.js';
import { mysqlSslOptions } from '../../core/config/security.js';
import type { StackPaths } from './paths.js';
import { daemon, portOpen, runningPid, startDaemon, stopDaemon, tail, waitUntil } from './proc.js';
import { ServiceStartError, type ServiceState, type StackService } from './service.js';
import { run } from './sql-tools.js';

/** The signal table Debezium reads incremental-snapshot requests from (and writes its window markers to). */
export const SIGNAL_TABLE = 'debezium_signal';

/**
 * MariaDB 10.11 from Debian's packages, configured for Debezium: row-based binlog with full row images,
 * no binlog compression, a server id, UTC, utf8mb4, loopback only. Runs as the `mysql` user.
 */
export class MariaDbService implements StackService {
  readonly name = 'mariadb';
  readonly external: boolean;
  readonly address: string;
  private readonly dir: string;
  private readonly socket: string;
  private readonly cnf: string;
  private readonly d;

  constructor(
    private readonly config: StarlingConfig,
    paths: StackPaths,
  ) {
    this.external = config.mysql.external;
    this.address = `${config.mysql.host}:${config.mysql.port}`;
    this.dir = join(paths.dbData, 'mariadb');
    this.socket = join(this.dir, 'mariadb.sock');
    this.cnf = join(paths.dbData, 'mariadb.cnf');
    this.d = daemon('mariadb', paths.run, paths.logs, this.cnf);
  }

  private async ping(): Promise<boolean> {
    const m = this.config.mysql;
    const conn = await mysql.createConnection({
      host: m.host,
      port: m.port,
      user: m.user,
      password: m.password,
      ssl: mysqlSslOptions(m.tls),
      connectTimeout: 2000,
    });
    try {
      await conn.query('SELECT 1');
      return true;
    } finally {
      await conn.end();
    }
  }

  async status(): Promise<ServiceState> {
    if (this.external) return (await this.ping().catch(() => false)) ? 'external' : 'unreachable';
    return runningPid(this.d) !== undefined && (await this.ping().catch(() => false)) ? 'running' : 'stopped';
  }

  private writeConfig(): void {
    const port = this.config.mysql.port;
    writeFileSync(
      this.cnf,
      `[mysqld]
user=mysql
datadir=${this.dir}
socket=${this.socket}
pid-file=${join(this.dir, 'mariadb.pid')}
port=${port}
bind-address=127.0.0.1
skip-name-resolve
# Debezium: row-based binlog with full before/after images, never compressed.
server-id=1
log-bin=${join(this.dir, 'binlog')}
binlog_format=ROW
binlog_row_image=FULL
log_bin_compress=OFF
# Keep binlogs 7 days: a stopped connector can resume within that window.
binlog_expire_logs_seconds=604800
default-time-zone='+00:00'
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_buffer_pool_size=256M
max_connections=300
`,
      { mode: 0o644 },
    );
  }

  async up(): Promise<void> {
    if (this.external) {
      if (!(await this.ping().catch(() => false))) {
        throw new ServiceStartError(
          'mariadb',
          `the external MySQL/MariaDB at ${this.address} does not answer`,
        );
      }
      return;
    }
    if (runningPid(this.d) !== undefined && (await this.ping().catch(() => false))) return;
    if (runningPid(this.d) === undefined && (await portOpen(this.config.mysql.port))) {
      throw new ServiceStartError(
        'mariadb',
        `port ${this.config.mysql.port} is already in use by another process; stop it or set STARLING_MARIADB_PORT`,
      );
    }
    this.writeConfig();
    if (!existsSync(join(this.dir, 'mysql'))) {
      mkdirSync(this.dir, { recursive: true });
      chownIds(this.dir, 'mysql');
      const init = run('mariadb-install-db', [
        `--defaults-file=${this.cnf}`,
        '--user=mysql',
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
      ]);
      if (!init.ok)
        throw new ServiceStartError('mariadb', `mariadb-install-db failed:\n${init.out.slice(-2000)}`);
    }
    let pid = runningPid(this.d);
    if (pid === undefined) pid = startDaemon(this.d, 'mariadbd', [`--defaults-file=${this.cnf}`]);
    try {
      await waitUntil('mariadb', async () => run('mariadb-admin', [`--socket=${this.socket}`, 'ping']).ok, {
        timeoutMs: 60_000,
        pid,
      });
    } catch (e) {
      throw new ServiceStartError('mariadb', (e as Error).message, this.d.logFile, tail(this.d.logFile));
    }
    this.bootstrap();
    await waitUntil('mariadb', () => this.ping(), { timeoutMs: 10_000, pid });
  }

  /** Users, grants, the `sales` database and the signal table. Idempotent. */
  private bootstrap(): void {
    const m = this.config.mysql;
    const sql = `
CREATE DATABASE IF NOT EXISTS sales CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '${m.user}'@'127.0.0.1' IDENTIFIED BY '${m.password}';
GRANT ALL PRIVILEGES ON *.* TO '${m.user}'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS '${m.captureUser}'@'127.0.0.1' IDENTIFIED BY '${m.capturePassword}';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO '${m.captureUser}'@'127.0.0.1';
CREATE TABLE IF NOT EXISTS sales.${SIGNAL_TABLE} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL);
GRANT INSERT, UPDATE, DELETE ON sales.${SIGNAL_TABLE} TO '${m.captureUser}'@'127.0.0.1';
FLUSH PRIVILEGES;
`;
    const r = run('mariadb', [`--socket=${this.socket}`, '-u', 'root'], { input: sql });
    if (!r.ok) throw new ServiceStartError('mariadb', `bootstrap SQL failed:\n${r.out}`);
  }

  async down(): Promise<boolean> {
    if (this.external) return false;
    return stopDaemon(this.d, 'SIGTERM', 60_000);
  }
}

export function chownIds(path: string, user: string): void {
  const r = run('id', ['-u', user]);
  const g = run('id', ['-g', user]);
  if (!r.ok || !g.ok)
    throw new ServiceStartError(user, `there is no OS user '${user}' (is its Debian package installed?)`);
  chownSync(path, Number(r.out.trim()), Number(g.out.trim()));
}
