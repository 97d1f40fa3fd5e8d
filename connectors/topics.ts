import type { StarlingConfig } from '../core/config/load.js';
import { type Admin, createTopicsSettled } from '../core/kafka/client.js';

/**
 * Raw change topics are Starling's to create, with the settings replay and SCD2 depend on: the whole
 * history kept (retention.ms=-1 by default, or the configured horizon), deletion not compaction (a
 * compacted topic loses the history of every key), and the configured partition count (keys decide order).
 */
export function rawTopicConfig(config: StarlingConfig): Array<{ name: string; value: string }> {
  return [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(config.topics.retentionMs) },
  ];
}

/** Creates the raw topics of these source tables (db.table) that do not exist yet; returns those created. */
export async function ensureRawTopics(
  config: StarlingConfig,
  admin: Admin,
  tables: string[],
): Promise<string[]> {
  return ensureTopics(
    config,
    admin,
    tables.map((t) => `${config.topics.prefix}.${t}`),
  );
}

/**
 * Creates these topics, when missing, with the raw topics' settings: the conformed topics feed replay and
 * the SCD2 history too, so they keep everything as well.
 */
export async function ensureTopics(
  config: StarlingConfig,
  admin: Admin,
  topics: string[],
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (!missing.length) return [];
  await createTopicsSettled(
    admin,
    missing.map((topic) => ({
      topic,
      numPartitions: config.topics.partitions,
      replicationFactor: -1,
      configEntries: rawTopicConfig(config),
    })),
  );
  return missing;
}

/**
 * Checks the settings of existing raw topics against what Starling needs; returns one line per problem.
 * A compacted raw topic, or one that keeps less history than configured, silently breaks replay.
 */
export async function checkRawTopics(
  config: StarlingConfig,
  admin: Admin,
  topics: string[],
): Promise<string[]> {
  if (!topics.length) return [];
  const res = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: 2, name, configNames: ['cleanup.policy', 'retention.ms'] })),
  });
  const problems: string[] = [];
  const want = config.topics.retentionMs;
  for (const r of res.resources) {
    const get = (n: string) => r.configEntries.find((e) => e.configName === n)?.configValue;
    if (get('cleanup.policy')?.includes('compact')) {
      problems.push(
        `${r.resourceName}: cleanup.policy=${get('cleanup.policy')} (raw topics must not be compacted: history feeds replay and SCD2)`,
      );
    }
    const retention = Number(get('retention.ms'));
    if (want === -1 ? retention !== -1 : retention !== -1 && retention < want) {
      problems.push(
        `${r.resourceName}: retention.ms=${retention}, but Starling is configured to keep ${want === -1 ? 'the whole history (-1)' : `${want} ms`}`,
      );
    }
  }
  return problems;
}
