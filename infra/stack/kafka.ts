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

  async status(): Promise<ServiceState> {
    const ok = await kafkaReachable(this.config.kafka.brokers);
    if (this.external) return ok ? 'external' : 'unreachable';
    return runningPid(this.d) !== undefined && ok ? 'running' : 'stopped';
  }

  private writeConfig(): void {
    const { port, controllerPort } = this.config.kafka;
    writeProperties(this.props, {
      'process.roles': 'broker,controller',
      'node.id': 1,
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
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
      if (!(await kafkaReachable(this.config.kafka.brokers, 5000))) {
        throw new ServiceStartError('kafka', `the external Kafka at ${this.address} does not answer`);
      }
      return;
    }
    if (runningPid(this.d) !== undefined && (await kafkaReachable(this.config.kafka.brokers))) return;
    const { port, controllerPort } = this.config.kafka;
    if (runningPid(this.d) === undefined) {
      for (const [p, key] of [
        [port, 'STARLING_KAFKA_PORT'],
        [controllerPort, 'STARLING_KAFKA_CONTROLLER_PORT'],
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
      await waitUntil('kafka', () => kafkaReachable(this.config.kafka.brokers), {
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
