import type { StarlingConfig } from '../../core/config/load.js';
import { ConnectService } from './connect.js';
import { KafkaService } from './kafka.js';
import { MariaDbService } from './mariadb.js';
import { stackPaths } from './paths.js';
import { PostgresService } from './postgres.js';
import { RegistryService } from './registry.js';
import type { ServiceState, StackService } from './service.js';

/**
 * The local stack in start order: each service's readiness gates the next (Connect needs Kafka; the
 * registry keeps its schemas in PostgreSQL). `down` stops in reverse order.
 */
export function stackServices(config: StarlingConfig): StackService[] {
  const paths = stackPaths(config);
  return [
    new MariaDbService(config, paths),
    new PostgresService(config, paths),
    new KafkaService(config, paths),
    new RegistryService(config, paths),
    new ConnectService(config, paths),
  ];
}

export interface StackReporter {
  starting(s: StackService): void;
  ready(s: StackService, state: ServiceState, ms: number): void;
  failed(s: StackService): void;
}

export async function stackUp(services: StackService[], report: StackReporter): Promise<void> {
  for (const s of services) {
    const t0 = Date.now();
    report.starting(s);
    try {
      await s.up();
    } catch (e) {
      report.failed(s);
      throw e;
    }
    report.ready(s, s.external ? 'external' : 'running', Date.now() - t0);
  }
}

export async function stackDown(services: StackService[]): Promise<string[]> {
  const stopped: string[] = [];
  for (const s of [...services].reverse()) if (await s.down()) stopped.push(s.name);
  return stopped;
}

export async function stackStatus(
  services: StackService[],
): Promise<Array<{ service: StackService; state: ServiceState }>> {
  return Promise.all(services.map(async (service) => ({ service, state: await service.status() })));
}
