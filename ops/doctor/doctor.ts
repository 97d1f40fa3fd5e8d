/**
 * `starling doctor`: gathers the facts of every system at once (each on its own, so one that does not answer
 * is one PROBLEM and the others are still checked), then applies the pure rules to them.
 */
import { avroConverterConfig } from '../../connectors/avro-converter.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { redactText, redactUrl } from '../../core/config/redact.js';
import { gatherConnect } from './connect-facts.js';
import { connectRules, MYSQL_CONNECTOR } from './connect-rules.js';
import { gatherKafka } from './kafka-facts.js';
import { kafkaRules } from './kafka-rules.js';
import { gatherPostgres, type TargetRole, targetUrl } from './postgres-facts.js';
import { postgresRules } from './postgres-rules.js';
import { gatherRegistry } from './registry-facts.js';
import { registryRules } from './registry-rules.js';
import { summarize } from './report.js';
import { connectorExpectations, gatherSource, type SourceFacts } from './source-facts.js';
import { flavourOf, sourceRules } from './source-rules.js';
import {
  type DoctorReport,
  type Finding,
  problem,
  type SystemName,
  type SystemReport,
  warn,
} from './types.js';

/** How long one system may take to answer before it counts as unreachable. */
const GATHER_TIMEOUT_MS = 20_000;

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${GATHER_TIMEOUT_MS / 1000} s`)),
      GATHER_TIMEOUT_MS,
    );
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

const HOW_TO_REACH: Record<SystemName, string> = {
  source:
    'check STARLING_MYSQL_URL (host, port, capture user and password) and that the server accepts this user from this host',
  staging: 'check STARLING_STAGING_URL (or STARLING_POSTGRES_URL): host, port, database, user and password',
  warehouse:
    'check STARLING_WAREHOUSE_URL (or STARLING_POSTGRES_URL): host, port, database, user and password',
  kafka: 'check STARLING_KAFKA_BROKERS and that the brokers advertise addresses this machine can reach',
  registry: 'check STARLING_REGISTRY_URL (the registry root, without /apis/...)',
  connect: 'check STARLING_CONNECT_URL (the Kafka Connect REST API)',
};

function unreachable(system: SystemName, target: string, e: unknown, secrets: string[]): Finding {
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure) is in its cause.
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  const text = `${err.message ?? String(e)}${cause && !err.message?.includes(cause) ? ` (${cause})` : ''}`;
  const message = redactText(text, secrets).split('\n')[0];
  return problem(
    system,
    'reachable',
    `cannot reach ${target}: ${message}`,
    'none of its other checks could run',
    HOW_TO_REACH[system],
  );
}

async function check<T>(
  config: StarlingConfig,
  system: SystemName,
  target: string,
  gather: () => Promise<T>,
  rules: (facts: T) => Finding[],
): Promise<{ report: SystemReport; facts: T | undefined }> {
  try {
    const facts = await withDeadline(gather(), target);
    return { report: { system, target, findings: rules(facts) }, facts };
  } catch (e) {
    return {
      report: { system, target, findings: [unreachable(system, target, e, config.secrets)] },
      facts: undefined,
    };
  }
}

function targetCheck(config: StarlingConfig, role: TargetRole): Promise<{ report: SystemReport }> {
  const url = targetUrl(config, role);
  if (url.startsWith('db2:'))
    return Promise.resolve({
      report: {
        system: role,
        target: redactUrl(url),
        findings: [
          warn(
            role,
            'Db2',
            'a Db2 target is not checked by starling doctor',
            'the sink creates and alters its tables: missing authorities show only when it writes',
            "check the user's CREATEIN on the schema and ownership (or ALTER) of Starling's tables by hand",
          ),
        ],
      },
    });
  return check(config, role, redactUrl(url), () => gatherPostgres(config, role), postgresRules);
}

export async function runDoctor(config: StarlingConfig): Promise<DoctorReport> {
  const m = config.mysql;
  const sourceTarget = `${m.captureUser}@${m.host}:${m.port}`;
  const [source, staging, warehouse, kafka, registry, connect] = await Promise.all([
    check<SourceFacts>(config, 'source', sourceTarget, () => gatherSource(config), sourceRules),
    targetCheck(config, 'staging'),
    targetCheck(config, 'warehouse'),
    check(config, 'kafka', config.kafka.brokers.join(','), () => gatherKafka(config), kafkaRules),
    check(config, 'registry', redactUrl(config.registry.url), () => gatherRegistry(config), registryRules),
    // The plugin Connect needs depends on the source's flavour, known once the source answered (below).
    check(
      config,
      'connect',
      redactUrl(config.connect.url),
      () => gatherConnect(config.connect.url, config.connect.auth),
      () => [],
    ),
  ]);
  if (connect.facts !== undefined) {
    const sourceIsMysql = source.facts !== undefined && flavourOf(source.facts.version).name === 'MySQL';
    const wanted = sourceIsMysql ? MYSQL_CONNECTOR : connectorExpectations(config).className;
    const converter = avroConverterConfig(config)['value.converter']!;
    connect.report.findings = connectRules(connect.facts, wanted, converter);
  }
  return summarize([source, staging, warehouse, kafka, registry, connect].map((c) => c.report));
}
