import { join } from 'node:path';
import type { StarlingConfig } from '../../core/config/load.js';
import { redactUrl } from '../../core/config/redact.js';
import { authHeaders } from '../../core/config/security.js';
import { getJson, httpOk } from './http.js';
import { javaBinary, jvmFlags, writeLog4j, writeProperties } from './jvm.js';
import type { StackPaths } from './paths.js';
import { daemon, portOpen, runningPid, startDaemon, stopDaemon, tail, waitUntil } from './proc.js';
import { ServiceStartError, type ServiceState, type StackService } from './service.js';

/** The connector classes the stack's Connect must offer before it counts as ready. */
export const REQUIRED_PLUGINS = [
  'io.debezium.connector.mariadb.MariaDbConnector',
  'io.debezium.connector.mysql.MySqlConnector',
  'io.debezium.connector.mongodb.MongoDbConnector',
  'io.debezium.connector.jdbc.JdbcSinkConnector',
];

/** Kafka Connect in distributed mode, with the Debezium connectors and the Apicurio Avro converter. */
export class ConnectService implements StackService {
  readonly name = 'connect';
  readonly external: boolean;
  readonly address: string;
  private readonly props: string;
  private readonly d;

  constructor(
    private readonly config: StarlingConfig,
    private readonly paths: StackPaths,
  ) {
    this.external = config.connect.external;
    this.address = redactUrl(config.connect.url);
    this.props = join(paths.conf, 'connect-worker.properties');
    this.d = daemon('connect', paths.run, paths.logs, this.props);
  }

  private async ready(): Promise<boolean> {
    if (!(await httpOk(`${this.config.connect.url}/connectors`, 2000, authHeaders(this.config.connect.auth))))
      return false;
    const plugins = await getJson<Array<{ class: string }>>(
      `${this.config.connect.url}/connector-plugins`,
      5000,
      authHeaders(this.config.connect.auth),
    );
    const have = new Set(plugins.map((p) => p.class));
    return REQUIRED_PLUGINS.every((c) => have.has(c));
  }

  async status(): Promise<ServiceState> {
    const ok = await this.ready().catch(() => false);
    if (this.external) return ok ? 'external' : 'unreachable';
    return runningPid(this.d) !== undefined && ok ? 'running' : 'stopped';
  }

  async up(): Promise<void> {
    if (this.external) {
      if (
        !(await httpOk(`${this.config.connect.url}/connectors`, 2000, authHeaders(this.config.connect.auth)))
      ) {
        throw new ServiceStartError(
          'connect',
          `the external Kafka Connect at ${this.address} does not answer`,
        );
      }
      return;
    }
    if (runningPid(this.d) !== undefined && (await this.ready().catch(() => false))) return;
    const port = this.config.connect.port;
    if (runningPid(this.d) === undefined && (await portOpen(port))) {
      throw new ServiceStartError(
        'connect',
        `port ${port} is already in use by another process; stop it or set STARLING_CONNECT_PORT`,
      );
    }
    const java = javaBinary();
    const log4j = writeLog4j(this.paths.conf, 'connect');
    writeProperties(this.props, {
      'bootstrap.servers': this.config.kafka.brokers.join(','),
      'group.id': 'starling-connect',
      listeners: `http://127.0.0.1:${port}`,
      'rest.advertised.host.name': '127.0.0.1',
      'rest.advertised.port': port,
      'plugin.path': join(this.paths.jars, 'plugins'),
      // Every plugin ships a ServiceLoader manifest (the pom adds the converters'): no 20 s reflection scan.
      'plugin.discovery': 'service_load',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'config.storage.topic': '_starling_connect_configs',
      'offset.storage.topic': '_starling_connect_offsets',
      'status.storage.topic': '_starling_connect_status',
      'config.storage.replication.factor': 1,
      'offset.storage.replication.factor': 1,
      'status.storage.replication.factor': 1,
      // Source offsets are flushed often so a restarted connector re-sends little (the sinks dedupe anyway).
      'offset.flush.interval.ms': 5000,
    });
    let pid = runningPid(this.d);
    if (pid === undefined) {
      pid = startDaemon(this.d, java, [
        ...jvmFlags(this.config.heaps.connect, log4j),
        '-cp',
        `${join(this.paths.jars, 'lib', 'kafka')}/*`,
        'org.apache.kafka.connect.cli.ConnectDistributed',
        this.props,
      ]);
    }
    try {
      await waitUntil('connect', () => this.ready(), { timeoutMs: 180_000, pid, intervalMs: 1000 });
    } catch (e) {
      throw new ServiceStartError('connect', (e as Error).message, this.d.logFile, tail(this.d.logFile));
    }
  }

  async down(): Promise<boolean> {
    if (this.external) return false;
    return stopDaemon(this.d, 'SIGTERM', 60_000);
  }
}
