import { join } from 'node:path';
import type { StarlingConfig } from '../../core/config/load.js';
import { redactUrl } from '../../core/config/redact.js';
import { authHeaders } from '../../core/config/security.js';
import { httpOk } from './http.js';
import { javaBinary, jvmFlags, writeLog4j } from './jvm.js';
import type { StackPaths } from './paths.js';
import { daemon, portOpen, runningPid, startDaemon, stopDaemon, tail, waitUntil } from './proc.js';
import { ServiceStartError, type ServiceState, type StackService } from './service.js';

/**
 * Apicurio Registry 3 (Quarkus fast-jar) with its Confluent-compatible API. Its storage is the stack's
 * PostgreSQL, so schema ids, which every Avro record in Kafka refers to, survive a registry restart.
 */
export class RegistryService implements StackService {
  readonly name = 'registry';
  readonly external: boolean;
  readonly address: string;
  private readonly d;

  constructor(
    private readonly config: StarlingConfig,
    private readonly paths: StackPaths,
  ) {
    this.external = config.registry.external;
    this.address = redactUrl(config.registry.url);
    this.d = daemon('registry', paths.run, paths.logs, join(paths.jars, 'apicurio'));
  }

  private ready(): Promise<boolean> {
    return httpOk(
      `${this.config.registry.ccompatUrl}/subjects`,
      2000,
      authHeaders(this.config.registry.auth),
    );
  }

  async status(): Promise<ServiceState> {
    const ok = await this.ready();
    if (this.external) return ok ? 'external' : 'unreachable';
    return runningPid(this.d) !== undefined && ok ? 'running' : 'stopped';
  }

  async up(): Promise<void> {
    if (!this.external && !(runningPid(this.d) !== undefined && (await this.ready()))) await this.start();
    if (this.external && !(await this.ready())) {
      throw new ServiceStartError(
        'registry',
        `the external schema registry at ${this.address} does not answer`,
      );
    }
    await this.setGlobalCompatibility();
  }

  private async start(): Promise<void> {
    const port = this.config.registry.port;
    if (runningPid(this.d) === undefined) {
      for (const [p, key] of [
        [port, 'STARLING_REGISTRY_PORT'],
        [this.config.registry.managementPort, 'STARLING_REGISTRY_MANAGEMENT_PORT'],
      ] as const) {
        if (await portOpen(p)) {
          throw new ServiceStartError(
            'registry',
            `port ${p} is already in use by another process; stop it or set ${key}`,
          );
        }
      }
    }
    const db = new URL(this.config.postgres.registryDbUrl);
    const jdbc = `jdbc:postgresql://${db.hostname}:${db.port || 5432}${db.pathname}`;
    const java = javaBinary(21);
    const log4j = writeLog4j(this.paths.conf, 'registry');
    let pid = runningPid(this.d);
    if (pid === undefined) {
      const appDir = join(this.paths.jars, 'apicurio');
      pid = startDaemon(
        this.d,
        java,
        [
          ...jvmFlags(this.config.heaps.registry, log4j),
          `-Dquarkus.http.host=127.0.0.1`,
          `-Dquarkus.http.port=${port}`,
          // The management interface (health, metrics) is built in; keep it on loopback too.
          '-Dquarkus.management.host=127.0.0.1',
          `-Dquarkus.management.port=${this.config.registry.managementPort}`,
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=postgresql',
          `-Dapicurio.datasource.url=${jdbc}`,
          '-jar',
          join(appDir, 'quarkus-run.jar'),
        ],
        {
          cwd: appDir,
          // The datasource credentials go through the environment, not the command line (ps shows that).
          env: {
            ...process.env,
            APICURIO_DATASOURCE_USERNAME: decodeURIComponent(db.username),
            APICURIO_DATASOURCE_PASSWORD: decodeURIComponent(db.password),
          },
        },
      );
    }
    try {
      await waitUntil('registry', () => this.ready(), { timeoutMs: 120_000, pid, intervalMs: 500 });
    } catch (e) {
      throw new ServiceStartError('registry', (e as Error).message, this.d.logFile, tail(this.d.logFile));
    }
  }

  /**
   * The compatibility level is set explicitly: Apicurio answers GET /config/{subject} with the global level
   * where Confluent answers 404, which trips clients that rely on the default. NONE on the registry: the
   * sinks check every schema change themselves and dead-letter what they cannot apply, rather than letting
   * a rejected schema stop capture for every table.
   */
  private async setGlobalCompatibility(): Promise<void> {
    const res = await fetch(`${this.config.registry.ccompatUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'NONE' }),
    });
    if (!res.ok)
      throw new ServiceStartError(
        'registry',
        `setting the compatibility level failed: HTTP ${res.status} ${await res.text()}`,
      );
  }

  async down(): Promise<boolean> {
    if (this.external) return false;
    return stopDaemon(this.d, 'SIGTERM', 30_000);
  }
}
