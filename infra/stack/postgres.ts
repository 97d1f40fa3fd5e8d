import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { StarlingConfig } from '../../core/config/load.js';
import { LOCAL_PG_PASSWORD, LOCAL_PG_USER } from '../../core/config/load.js';
import { redactUrl } from '../../core/config/redact.js';
import { chownIds } from './mariadb.js';
import type { StackPaths } from './paths.js';
import { daemon, portOpen, runningPid, startDaemon, stopDaemon, tail, waitUntil } from './proc.js';
import { ServiceStartError, type ServiceState, type StackService } from './service.js';
import { asUser, postgresBinDir, run } from './sql-tools.js';
import { ensureLocalTls } from './tls.js';

const DATABASES = ['starling_staging', 'starling_warehouse', 'starling_registry'];

/**
 * PostgreSQL 15 from Debian's packages, run as the `postgres` user on loopback: the staging warehouse, the
 * default production warehouse and the schema registry's storage, one database each.
 */
export class PostgresService implements StackService {
  readonly name = 'postgresql';
  readonly external: boolean;
  readonly address: string;
  private readonly dir: string;
  private readonly d;

  constructor(
    private readonly config: StarlingConfig,
    private readonly paths: StackPaths,
  ) {
    this.external = config.postgres.external;
    this.address = this.external ? redactUrl(config.postgres.serverUrl) : `127.0.0.1:${config.postgres.port}`;
    this.dir = join(paths.dbData, 'postgres');
    this.d = daemon('postgresql', paths.run, paths.logs, this.dir);
  }

  private async ping(): Promise<boolean> {
    const client = new pg.Client({
      connectionString: this.config.postgres.serverUrl,
      connectionTimeoutMillis: 2000,
    });
    await client.connect();
    try {
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end();
    }
  }

  async status(): Promise<ServiceState> {
    if (this.external) return (await this.ping().catch(() => false)) ? 'external' : 'unreachable';
    return runningPid(this.d) !== undefined && (await this.ping().catch(() => false)) ? 'running' : 'stopped';
  }

  async up(): Promise<void> {
    if (this.external) {
      await this.ping().catch((e) => {
        throw new ServiceStartError(
          'postgresql',
          `the external PostgreSQL at ${this.address} does not answer (${e.message})`,
        );
      });
      await this.createDatabases();
      return;
    }
    if (runningPid(this.d) !== undefined && (await this.ping().catch(() => false))) return;
    const port = this.config.postgres.port;
    if (runningPid(this.d) === undefined && (await portOpen(port))) {
      throw new ServiceStartError(
        'postgresql',
        `port ${port} is already in use by another process; stop it or set STARLING_POSTGRES_PORT`,
      );
    }
    const bin = postgresBinDir();
    if (!bin)
      throw new ServiceStartError(
        'postgresql',
        'no PostgreSQL server is installed (Debian package postgresql)',
      );
    if (!existsSync(join(this.dir, 'PG_VERSION'))) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      chownIds(this.dir, 'postgres');
      const [cmd, args] = asUser('postgres', join(bin, 'initdb'), [
        '-D',
        this.dir,
        '-U',
        'postgres',
        '--auth-local=peer',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]);
      const init = run(cmd, args, { cwd: '/' });
      if (!init.ok) throw new ServiceStartError('postgresql', `initdb failed:\n${init.out.slice(-2000)}`);
    }
    let pid = runningPid(this.d);
    if (pid === undefined) {
      const tls = this.serverTls();
      const [cmd, args] = asUser('postgres', join(bin, 'postgres'), [
        '-D',
        this.dir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.dir}`,
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=256MB',
        '-c',
        'timezone=UTC',
        '-c',
        // Each row's commit time (pg_xact_commit_timestamp(xmin)): the benchmarks' end of the freshness clock.
        'track_commit_timestamp=on',
        // TLS for clients that ask (sslmode=require/verify-*); plain connections keep working.
        '-c',
        'ssl=on',
        '-c',
        `ssl_cert_file=${tls.cert}`,
        '-c',
        `ssl_key_file=${tls.key}`,
      ]);
      pid = startDaemon(this.d, cmd, args, { cwd: '/' });
    }
    const ready = () => run(join(bin, 'pg_isready'), ['-h', this.dir, '-p', String(port), '-q']).ok;
    try {
      await waitUntil('postgresql', async () => ready(), { timeoutMs: 60_000, pid });
    } catch (e) {
      throw new ServiceStartError('postgresql', (e as Error).message, this.d.logFile, tail(this.d.logFile));
    }
    this.bootstrap(bin, port);
    await waitUntil('postgresql', () => this.ping(), { timeoutMs: 10_000, pid });
    await this.createDatabases();
  }

  /**
   * The local CA's server certificate, copied into the data directory: PostgreSQL runs as `postgres` and
   * refuses a key that it does not own or that others can read (and STARLING_HOME may be closed to it).
   */
  private serverTls(): { cert: string; key: string } {
    const tls = ensureLocalTls(this.paths.conf);
    const out = { cert: join(this.dir, 'server.crt'), key: join(this.dir, 'server.key') };
    for (const [from, to] of [
      [tls.serverCert, out.cert],
      [tls.serverKey, out.key],
    ] as const) {
      copyFileSync(from, to);
      chownIds(to, 'postgres');
      chmodSync(to, 0o600);
    }
    return out;
  }

  /** The `starling` role (local only, loopback, password auth). Idempotent. */
  private bootstrap(bin: string, port: number): void {
    const sql = `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${LOCAL_PG_USER}') THEN
    CREATE ROLE ${LOCAL_PG_USER} LOGIN SUPERUSER PASSWORD '${LOCAL_PG_PASSWORD}';
  END IF;
END $$;`;
    const [cmd, args] = asUser('postgres', join(bin, 'psql'), [
      '-h',
      this.dir,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
    ]);
    const r = run(cmd, args, { input: sql, cwd: '/' });
    if (!r.ok) throw new ServiceStartError('postgresql', `bootstrap SQL failed:\n${r.out}`);
  }

  private async createDatabases(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.postgres.serverUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
      const have = new Set(rows.map((r) => r.datname));
      for (const db of DATABASES) {
        if (!have.has(db)) await client.query(`CREATE DATABASE "${db}"`);
      }
    } finally {
      await client.end();
    }
  }

  async down(): Promise<boolean> {
    if (this.external) return false;
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    return stopDaemon(this.d, 'SIGINT', 60_000);
  }
}
