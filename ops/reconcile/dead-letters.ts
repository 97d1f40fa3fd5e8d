import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { StarModel } from '../../schemas/model/types.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { dlqGroupsOnCluster, replayGroup } from '../dlq/groups.js';
import { isReplayed } from '../dlq/ledger.js';
import { ledgerOf, readLedgers } from '../dlq/ledger-store.js';
import { parseLetter } from '../dlq/letter.js';
import { bytesPreview, jsonSafe } from '../dlq/preview.js';
import { probeGroup, readTopics } from '../dlq/read-topics.js';
import {
  dimensionMembers,
  KEYS_LISTED,
  keysByTable,
  type LetterKey,
  rowImage,
  type TableLetters,
  type TopicNames,
  withSourceNames,
} from './dead-letter-keys.js';
import { affectedFactsSql, sourceKeysSql } from './dead-letter-sql.js';
import type { Runner } from './table-side.js';

/** The dead-letter part of the reconcile report: information, never a difference by itself. */
export interface DeadLetterReport {
  /** the groups whose `dlq.<group>` was read */
  groups: string[];
  /** dead-lettered records (one per group and source record) */
  letters: number;
  /** letters repeating one of those (the same record dead-lettered again after a restart or rebalance) */
  repeated: number;
  tables: TableLetters[];
  /** facts that refer to a member whose change was dead-lettered by the conform or warehouse stage */
  affectedFacts: AffectedFacts[];
  /** why the dead letters could not be read (Kafka down): reconcile still compares the tables */
  error?: string;
}

export interface AffectedFacts {
  dimension: string;
  fact: string;
  /** the members (natural-key values) with dead-lettered changes: how many, and the first of them */
  memberCount: number;
  members: string[];
  count: number;
  /** the first of those facts by grain */
  examples: string[][];
}

export interface DeadLetterSources {
  source: Runner;
  warehouse: Runner | undefined;
  /** `db.table` -> its key columns, for the tables the source has */
  sourceKeys: Map<string, string[]>;
  model: StarModel;
  warehouseSchema: string;
}

/** Source keys are looked up this many at a time (one statement each). */
const LOOKUP_CHUNK = 500;
const MEMBERS_QUERIED = 10_000;
const MEMBERS_LISTED = 20;

export async function deadLetterReport(
  config: StarlingConfig,
  s: DeadLetterSources,
): Promise<DeadLetterReport> {
  const wanted = [config.staging.group, config.pipeline.conformGroup, config.pipeline.warehouseGroup];
  const names: TopicNames = {
    prefix: config.topics.prefix,
    conformedPrefix: config.pipeline.conformedPrefix,
  };
  let letters: LetterKey[];
  let groups: string[];
  try {
    ({ letters, groups } = await readLetterKeys(config, wanted));
  } catch (e) {
    return {
      groups: [],
      letters: 0,
      repeated: 0,
      tables: [],
      affectedFacts: [],
      error: (e as Error).message,
    };
  }
  const tables = keysByTable(letters, names, KEYS_LISTED);
  for (const t of tables) if (t.kind === 'raw') await markInSource(s, t);
  const starGroups = [config.pipeline.conformGroup, config.pipeline.warehouseGroup];
  const members = dimensionMembers(letters, names, s.model, config.pipeline.namespaces, starGroups);
  const affectedFacts = s.warehouse ? await factsOfMembers(s, members) : [];
  const count = (f: (t: TableLetters) => number) => tables.reduce((n, t) => n + f(t), 0);
  return {
    groups,
    letters: count((t) => t.letters),
    repeated: count((t) => t.repeated),
    tables,
    affectedFacts,
  };
}

/** Every dead letter of these groups (those that have a dead-letter topic), its key decoded when it can be. */
async function readLetterKeys(
  config: StarlingConfig,
  wanted: string[],
): Promise<{ letters: LetterKey[]; groups: string[] }> {
  const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'starling-reconcile' }));
  const admin = kafka.admin();
  const codec = new AvroCodec(new RegistryClient(config.registry.ccompatUrl, config.registry.auth));
  const decoder = keyDecoder(codec);
  await admin.connect();
  try {
    const onCluster = new Set(await dlqGroupsOnCluster(admin));
    const groups = [...new Set(wanted)].filter((g) => onCluster.has(g));
    const letters: LetterKey[] = [];
    if (groups.length === 0) return { letters, groups };
    const groupOf = new Map(groups.map((g) => [dlqTopic(g), g]));
    const ledgers = new Map<string, Awaited<ReturnType<typeof readLedgers>>>();
    for (const g of groups) ledgers.set(dlqTopic(g), await readLedgers(admin, replayGroup(g), dlqTopic(g)));
    await readTopics(kafka, admin, {
      topics: groups.map(dlqTopic),
      groupId: probeGroup(),
      deleteGroup: true,
      onBatch: async (topic, partition, messages) => {
        const ledger = ledgerOf(ledgers.get(topic)!, partition);
        const group = groupOf.get(topic)!;
        const star = group !== config.staging.group;
        for (const m of messages) {
          const l = parseLetter(topic, partition, m);
          const key = await decoder(l.key);
          // The row image only matters for a star stage's letter (a member named by a non-key column).
          const value = star ? await decoder(l.value) : undefined;
          letters.push({
            group,
            sourceTopic: l.sourceTopic,
            sourcePartition: l.sourcePartition,
            sourceOffset: l.sourceOffset,
            code: l.code,
            stage: l.stage,
            timestampMs: l.timestampMs,
            key: key ? withSourceNames(key.record) : null,
            keyPreview: key === undefined || key === null ? previewText(l.key) : null,
            row: value ? rowImage(value.record) : null,
            replayed: isReplayed(ledger, Number(m.offset)),
          });
        }
      },
    });
    return { letters, groups };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function previewText(buf: Buffer | null): string {
  if (buf === null) return 'null';
  const p = bytesPreview(buf, '');
  if (p.kind !== 'bytes') return 'null';
  return `bytes:${p.hex}${p.truncated ? `…(${p.length} bytes)` : ''}`;
}

/**
 * Decodes Avro in the Confluent wire format to a JSON-safe record; undefined when the bytes are not that
 * (or the registry does not know the id). A schema id that failed is not asked for again: a flood of
 * letters with an unknown id costs one registry request.
 */
function keyDecoder(codec: AvroCodec) {
  const unknownIds = new Set<number>();
  return async (buf: Buffer | null): Promise<{ record: Record<string, unknown> } | null | undefined> => {
    if (buf === null) return null;
    if (buf.length < 5 || buf[0] !== 0) return undefined;
    const id = buf.readUInt32BE(1);
    if (unknownIds.has(id)) return undefined;
    try {
      const d = await codec.decode(buf);
      if (d === null) return null;
      const v = jsonSafe(d.value);
      return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? { record: v as Record<string, unknown> }
        : undefined;
    } catch (e) {
      if ((e as { code?: string }).code === 'UNKNOWN_SCHEMA_ID') unknownIds.add(id);
      return undefined;
    }
  };
}

/** Marks each decoded key of a raw table as present in the source now, or not (injected, or deleted since). */
async function markInSource(s: DeadLetterSources, t: TableLetters): Promise<void> {
  const keyColumns = s.sourceKeys.get(t.table);
  if (!keyColumns || keyColumns.length === 0) return;
  const [db, table] = [t.table.slice(0, t.table.indexOf('.')), t.table.slice(t.table.indexOf('.') + 1)];
  const checkable = t.keys.filter((k) => k.values && keyColumns.every((c) => k.values![c] !== undefined));
  const found = new Set<string>();
  const text = (vs: unknown[]) => JSON.stringify(vs.map((v) => (v === null ? null : String(v))));
  for (let i = 0; i < checkable.length; i += LOOKUP_CHUNK) {
    const chunk = checkable.slice(i, i + LOOKUP_CHUNK).map((k) => keyColumns.map((c) => k.values![c]));
    const q = sourceKeysSql(db, table, keyColumns, chunk);
    for (const row of await s.source(q.sql, q.params)) found.add(text(row));
  }
  for (const k of t.keys)
    k.inSource = checkable.includes(k) ? found.has(text(keyColumns.map((c) => k.values![c]))) : null;
}

async function factsOfMembers(
  s: DeadLetterSources,
  members: ReturnType<typeof dimensionMembers>,
): Promise<AffectedFacts[]> {
  const out: AffectedFacts[] = [];
  for (const dim of s.model.dimensions) {
    const values = members.filter((m) => m.dimension === dim.name).map((m) => m.value);
    if (values.length === 0) continue;
    // A value PostgreSQL text cannot hold (a NUL byte) names no member of the warehouse: not queried.
    const queried = values.filter((v) => !v.includes('\u0000')).slice(0, MEMBERS_QUERIED);
    for (const fact of s.model.facts) {
      const sql = affectedFactsSql(fact, dim, s.warehouseSchema);
      if (!sql || !s.warehouse) continue;
      const params = [queried];
      try {
        const [[n]] = (await s.warehouse(sql.count, params)) as [[unknown]];
        const examples = (await s.warehouse(sql.examples, params)).map((r) => r.map((v) => String(v)));
        out.push({
          dimension: dim.name,
          fact: fact.name,
          memberCount: values.length,
          members: values.slice(0, MEMBERS_LISTED),
          count: Number(n),
          examples,
        });
      } catch (e) {
        // The star's tables do not exist yet (nothing conformed): no fact can be affected.
        if ((e as { code?: string }).code !== '42P01') throw e;
      }
    }
  }
  return out;
}
