/**
 * The one place that imports the Kafka client (kafkajs). Everything else receives these wrappers, so the
 * client stays replaceable and its quirks are handled once.
 */
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  logLevel,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from 'kafkajs';
import type { StarlingConfig } from '../config/load.js';

export type { Admin, Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId?: string;
  /** kafkajs logs through console by default; Starling keeps it quiet unless asked. */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  connectionTimeoutMs?: number;
  retries?: number;
  /** TLS to the brokers (PEM contents); `{}` trusts the system's CAs. Undefined: plaintext. */
  ssl?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/**
 * The options every Kafka client built from the configuration must use: brokers with their TLS and SASL.
 * Call sites go through this (never `{ brokers: config.kafka.brokers }`), so none can forget the security.
 */
export function kafkaOptionsFrom(
  config: Pick<StarlingConfig, 'kafka'>,
  extra: Omit<KafkaOptions, 'brokers' | 'ssl' | 'sasl'> = {},
): KafkaOptions {
  const { tls, sasl } = config.kafka.security;
  return { brokers: config.kafka.brokers, ...extra, ssl: tls, sasl };
}

const LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

export function createKafka(opts: KafkaOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId ?? 'starling',
    brokers: opts.brokers,
    logLevel: LEVELS[opts.logLevel ?? 'nothing'],
    connectionTimeout: opts.connectionTimeoutMs ?? 3000,
    retry: { retries: opts.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5000 },
    ...(opts.ssl ? { ssl: { ...opts.ssl, rejectUnauthorized: true } } : {}),
    ...(opts.sasl ? { sasl: opts.sasl as SASLOptions } : {}),
  });
}

export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  return kafka.producer({ allowAutoTopicCreation: false, ...config });
}

export function createConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  return kafka.consumer({ allowAutoTopicCreation: false, ...config });
}

/** True when the cluster answers a metadata request (`security`: that of a configured, secured cluster). */
export async function kafkaReachable(
  brokers: string[],
  timeoutMs = 2000,
  security: Pick<KafkaOptions, 'ssl' | 'sasl'> = {},
): Promise<boolean> {
  const admin = createKafka({ brokers, retries: 0, connectionTimeoutMs: timeoutMs, ...security }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export type { Kafka };
export type AdminClient = Admin;
export type ConsumerClient = Consumer;

/**
 * Creates a single-partition topic with these settings unless it exists; another process creating it at the
 * same moment is not an error.
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  configEntries: Array<{ name: string; value: string }>,
): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  await createTopicsSettled(admin, [{ topic, numPartitions: 1, replicationFactor: -1, configEntries }]);
}

type TopicSpec = Parameters<Admin['createTopics']>[0]['topics'][number];

/**
 * Creates topics and returns once every partition has a leader. Another process creating one at the same
 * moment is not an error. kafkajs' own wait for leaders can fail while the broker still says it "does not
 * host this topic-partition" (a retriable metadata race, seen in CI right after creation): then the
 * metadata is polled until the leaders are known, for up to 30 s.
 */
export async function createTopicsSettled(admin: Admin, topics: TopicSpec[]): Promise<void> {
  try {
    await admin.createTopics({ waitForLeaders: true, topics });
    return;
  } catch (e) {
    const message = String((e as Error | undefined)?.message);
    if (/already exists/i.test(message) && topics.length === 1) return;
    if (!/already exists/i.test(message) && (e as { retriable?: boolean }).retriable !== true) throw e;
  }
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      if (meta.length === names.length && meta.every((t) => t.partitions.every((p) => p.leader >= 0))) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')}: no leader after 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
