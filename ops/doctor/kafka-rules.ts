/**
 * The rules for Kafka: pure functions of KafkaFacts. Raw and conformed topics are Starling's history:
 * replay, model rebuilds and SCD2 versions can reach back only as far as they keep records, and a compacted
 * topic keeps only each key's last change. Debezium's schema history topic must keep everything, in one
 * partition, or the connector cannot restart.
 */
import type { KafkaFacts, TopicFacts } from './kafka-facts.js';
import { type Finding, humanDuration, ok, problem, warn } from './types.js';

const S = 'kafka' as const;
/** Kafka's default max.message.bytes (1 MiB plus the batch overhead); Connect's producer sends up to 1 MiB. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * A retention setting that keeps everything: -1, or a value so large it never expires (Debezium creates its
 * schema history topic with Long.MAX_VALUE).
 */
export function keepsForever(value: string | undefined): boolean {
  const n = Number(value ?? -1);
  return n < 0 || n >= Number.MAX_SAFE_INTEGER;
}

const alter = (topic: string, setting: string) =>
  `kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${topic} --add-config ${setting}`;

/** The problems of one raw or conformed topic. */
export function historyTopicFindings(t: TopicFacts): Finding[] {
  const out: Finding[] = [];
  const check = `topic ${t.name}`;
  const policy = t.config['cleanup.policy'] ?? 'delete';
  if (policy.includes('compact'))
    out.push(
      problem(
        S,
        check,
        `cleanup.policy=${policy}`,
        `a compacted ${t.kind} topic keeps only the last change of each key: replay and SCD2 history lose every earlier version`,
        alter(t.name, 'cleanup.policy=delete'),
      ),
    );
  const ms = Number(t.config['retention.ms'] ?? -1);
  if (!keepsForever(t.config['retention.ms']))
    out.push(
      warn(
        S,
        check,
        `retention.ms=${ms}: keeps ${humanDuration(ms)} of history`,
        `replay and model rebuilds from this ${t.kind} topic can reach back only ${humanDuration(ms)}; older changes are deleted`,
        alter(t.name, 'retention.ms=-1'),
      ),
    );
  const bytes = Number(t.config['retention.bytes'] ?? -1);
  if (!keepsForever(t.config['retention.bytes']))
    out.push(
      warn(
        S,
        check,
        `retention.bytes=${bytes}: each partition keeps at most ${(bytes / 1_048_576).toFixed(0)} MiB`,
        `replay and model rebuilds from this ${t.kind} topic can reach back only as far as that size allows`,
        alter(t.name, 'retention.bytes=-1'),
      ),
    );
  out.push(...replicationFindings(t));
  const max = Number(t.config['max.message.bytes'] ?? DEFAULT_MAX_MESSAGE_BYTES);
  if (max < 1_048_576)
    out.push(
      warn(
        S,
        check,
        `max.message.bytes=${max}`,
        'a change event larger than this is refused by the broker, and the connector task fails (RecordTooLargeException)',
        alter(t.name, `max.message.bytes=${DEFAULT_MAX_MESSAGE_BYTES}`),
      ),
    );
  return out;
}

function replicationFindings(t: TopicFacts): Finding[] {
  const isr = Number(t.config['min.insync.replicas'] ?? 1);
  if (isr > t.replicationFactor)
    return [
      problem(
        S,
        `topic ${t.name}`,
        `min.insync.replicas=${isr} > replication factor ${t.replicationFactor}`,
        'writes with acks=all (Debezium, the processors) are refused with NOT_ENOUGH_REPLICAS: nothing can be written',
        alter(t.name, `min.insync.replicas=${Math.max(1, t.replicationFactor - 1)}`),
      ),
    ];
  return [];
}

function describeClean(kind: string, topics: TopicFacts[]): string {
  const rf = [...new Set(topics.map((t) => t.replicationFactor))].join('/');
  return `${topics.length} ${kind} topic${topics.length > 1 ? 's' : ''}: whole history kept, not compacted, replication factor ${rf}`;
}

export function schemaHistoryFindings(f: KafkaFacts): Finding[] {
  const t = f.topics.find((x) => x.kind === 'schema history');
  const check = `schema history ${f.schemaHistoryTopic}`;
  if (t === undefined) return [ok(S, check, 'not created yet (the connector creates it on its first start)')];
  const out: Finding[] = [];
  const why =
    'Debezium rebuilds every table schema from this topic on restart: lost or compacted records make the connector fail';
  const policy = t.config['cleanup.policy'] ?? 'delete';
  if (policy !== 'delete')
    out.push(problem(S, check, `cleanup.policy=${policy}`, why, alter(t.name, 'cleanup.policy=delete')));
  for (const setting of ['retention.ms', 'retention.bytes']) {
    const v = t.config[setting];
    if (!keepsForever(v)) out.push(problem(S, check, `${setting}=${v}`, why, alter(t.name, `${setting}=-1`)));
  }
  if (t.partitions !== 1)
    out.push(
      problem(
        S,
        check,
        `${t.partitions} partitions`,
        'the schema history must be read back in the order it was written: one partition',
        `delete the connector and the topic, recreate the topic with one partition (kafka-topics.sh --create --topic ${t.name} --partitions 1 --config retention.ms=-1 --config cleanup.policy=delete), then register again`,
      ),
    );
  out.push(...replicationFindings(t));
  return out.length ? out : [ok(S, check, 'one partition, cleanup.policy=delete, infinite retention')];
}

export function kafkaRules(f: KafkaFacts): Finding[] {
  const out: Finding[] = [
    ok(S, 'cluster', `${f.brokerCount} broker${f.brokerCount === 1 ? '' : 's'} at ${f.brokers}`),
  ];
  out.push(
    ok(
      S,
      'auto.create.topics.enable',
      `${f.autoCreateTopics ?? 'unknown'} (information only: Starling creates its topics itself)`,
    ),
  );
  for (const kind of ['raw', 'conformed'] as const) {
    const topics = f.topics.filter((t) => t.kind === kind);
    if (topics.length === 0) {
      out.push(ok(S, `${kind} topics`, 'none yet'));
      continue;
    }
    const clean: TopicFacts[] = [];
    for (const t of topics) {
      const found = historyTopicFindings(t);
      if (found.length === 0) clean.push(t);
      out.push(...found);
    }
    if (clean.length) out.push(ok(S, `${kind} topics`, describeClean(kind, clean)));
  }
  out.push(...schemaHistoryFindings(f));
  return out;
}
