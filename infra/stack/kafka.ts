import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StarlingConfig } from '../../core/config/load.js';
import { kafkaReachable } from '../../core/kafka/client.js';
import { javaBinary, jvmFlags, writeLog4j, writeProperties } from './jvm.js';
import type { StackPaths } from './paths.js';
import { daemon, portOpen, runningPid, startDaemon, stopDaemon, tail, waitUntil } from './proc.js';
import { ServiceStartError, type ServiceState, type StackService } from './service.js';
import { run } from './sql-tools.js';

/**
 * Credentials of the local SASL_PLAINTEXT listener (PLAIN from the broker's JAAS entry, SCRAM-SHA-256/512
 * created after start). Local only, like the stack's database passwords: a real cluster has its own.
 */
export const LOCAL_KAFKA_SASL_USER = 'starling';
export const LOCAL_KAFKA_SASL_PASSWORD = 'starling-local';
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/**
 * The broker's listeners: PLAINTEXT (what the stack itself and the default configuration use), the KRaft
 * controller, and SASL_PLAINTEXT with PLAIN and SCRAM for testing secured clients. No authorizer: the
 * SASL listener checks who you are, not what you may do.
 */
export function kafkaListenerProps(ports: {
  port: number;
  controllerPort: number;
  saslPort: number;
}): Record<string, string> {
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return {
    listeners: `PLAINTEXT://127.0.0.1:${ports.port},CONTROLLER://127.0.0.1:${ports.controllerPort},SASL_PLAINTEXT://127.0.0.1:${ports.saslPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.port},SASL_PLAINTEXT://127.0.0.1:${ports.saslPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map':
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms': ['PLAIN', ...SCRAM_MECHANISMS].join(','),
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${LOCAL_KAFKA_SASL_USER}="${LOCAL_KAFKA_SASL_PASSWORD}";`,
    'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': scram,
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': scram,
  };
}

/**
 * Creates or replaces a SCRAM user (both mechanisms) through Kafka's own ConfigCommand, over the PLAINTEXT
 * listener. KRaft keeps SCRAM credentials in the cluster metadata, so they survive restarts. The password
 * must not contain ',', ']' or '=' (ConfigCommand's list syntax).
 */
export function upsertScramUser(
  config: StarlingConfig,
  paths: StackPaths,
  user: string,
  password: string,
  mechanisms: readonly (typeof SCRAM_MECHANISMS)[number][] = SCRAM_MECHANISMS,
): { ok: boolean; out: string } {
  if (/[,\]=\s]/.test(password) || /[,\]=\s]/.test(user))
    return {
      ok: false,
      out: 'a SCRAM user name or password for ConfigCommand may not contain , ] = or spaces',
    };
  const log4j = writeLog4j(paths.conf, 'kafka-tools');
  // One mechanism per request: the broker refuses to alter one user twice in the same request.
  let out = '';
  for (const mechanism of mechanisms) {
    const r = run(javaBinary(), [
      ...jvmFlags('128m', log4j),
      // A short-lived tool: the C1 compiler alone starts it seconds sooner.
      '-XX:TieredStopAtLevel=1',
      '-cp',
      `${join(paths.jars, 'lib', 'kafka')}/*`,
      'kafka.admin.ConfigCommand',
      '--bootstrap-server',
      `127.0.0.1:${config.kafka.port}`,
      '--alter',
      '--entity-type',
      'users',
      '--entity-name',
      user,
      '--add-config',
      `${mechanism}=[iterations=8192,password=${password}]`,
    ]);
    // ConfigCommand masks the password itself; mask it here too in case a future version does not.
    out += r.out.split(password).join('***');
    if (!r.ok) return { ok: false, out };
  }
  return { ok: true, out };
}

/** Apache Kafka 4 in KRaft mode: one node that is both broker and controller, on loopback. */
export class KafkaService implements StackService {
  readonly name = 'kafka';
  readonly external: boolean;
  readonly address: string;
  private readonly dataDir: string;
  private readonly props: string;
  private readonly d;

  constructor(
    private readonly config: StarlingConfig,
    private readonly paths: StackPaths,
  ) {
    this.external = config.kafka.external;
    this.address = config.kafka.brokers.join(',');
    this.dataDir = join(paths.data, 'kafka');
    this.props = join(paths.conf, 'kafka-server.properties');
    this.d = daemon('kafka', paths.run, paths.logs, this.props);
  }

  private reachable(timeoutMs?: number): Promise<boolean> {
    const { tls, sasl } = this.config.kafka.security;
    return kafkaReachable(this.config.kafka.brokers, timeoutMs, { ssl: tls, sasl });
  }

  async status(): Promise<ServiceState> {
    const ok = await this.reachable();
    if (this.external) return ok ? 'external' : 'unreachable';
    return runningPid(this.d) !== undefined && ok ? 'running' : 'stopped';
  }

  private writeConfig(): void {
    const { controllerPort } = this.config.kafka;
    writeProperties(this.props, {
      'process.roles': 'broker,controller',
      'node.id': 1,
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      ...kafkaListenerProps(this.config.kafka),
      'log.dirs': this.dataDir,
      'num.partitions': 1,
      // One broker: every internal topic must have replication factor 1, or consumer groups hang.
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'share.coordinator.state.topic.replication.factor': 1,
      'share.coordinator.state.topic.min.isr': 1,
      'group.initial.rebalance.delay.ms': 0,
      // Starling creates its topics with their settings; a typo must not silently create a topic.
      'auto.create.topics.enable': false,
      // History is kept by topic settings (retention.ms=-1 on raw topics); the broker default stays finite.
      'log.retention.hours': 168,
    });
  }

  async up(): Promise<void> {
    if (this.external) {
      if (!(await this.reachable(5000))) {
        throw new ServiceStartError('kafka', `the external Kafka at ${this.address} does not answer`);
      }
      return;
    }
    if (runningPid(this.d) !== undefined && (await this.reachable())) return;
    const { port, controllerPort, saslPort } = this.config.kafka;
    if (runningPid(this.d) === undefined) {
      for (const [p, key] of [
        [port, 'STARLING_KAFKA_PORT'],
        [controllerPort, 'STARLING_KAFKA_CONTROLLER_PORT'],
        [saslPort, 'STARLING_KAFKA_SASL_PORT'],
      ] as const) {
        if (await portOpen(p)) {
          throw new ServiceStartError(
            'kafka',
            `port ${p} is already in use by another process; stop it or set ${key}`,
          );
        }
      }
    }
    const java = javaBinary();
    const log4j = writeLog4j(this.paths.conf, 'kafka');
    this.writeConfig();
    const cp = `${join(this.paths.jars, 'lib', 'kafka')}/*`;
    if (!existsSync(join(this.dataDir, 'meta.properties'))) {
      mkdirSync(this.dataDir, { recursive: true });
      // A cluster id is 16 random bytes in base64url; one that starts with '-' would read as an option.
      const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
      const fmt = run(java, [
        ...jvmFlags('256m', log4j),
        '-cp',
        cp,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        this.props,
        '--ignore-formatted',
        // The local SCRAM user goes into the initial metadata: free here, a JVM run per mechanism later.
        ...SCRAM_MECHANISMS.flatMap((m) => [
          '--add-scram',
          `${m}=[name=${LOCAL_KAFKA_SASL_USER},password=${LOCAL_KAFKA_SASL_PASSWORD}]`,
        ]),
      ]);
      if (!fmt.ok)
        throw new ServiceStartError('kafka', `formatting the KRaft storage failed:\n${fmt.out.slice(-2000)}`);
    }
    let pid = runningPid(this.d);
    if (pid === undefined) {
      pid = startDaemon(this.d, java, [
        ...jvmFlags(this.config.heaps.kafka, log4j),
        '-cp',
        cp,
        'kafka.Kafka',
        this.props,
      ]);
    }
    try {
      await waitUntil('kafka', () => this.reachable(), {
        timeoutMs: 90_000,
        pid,
        intervalMs: 500,
      });
    } catch (e) {
      throw new ServiceStartError('kafka', (e as Error).message, this.d.logFile, tail(this.d.logFile));
    }
  }

  async down(): Promise<boolean> {
    if (this.external) return false;
    return stopDaemon(this.d, 'SIGTERM', 60_000);
  }
}
