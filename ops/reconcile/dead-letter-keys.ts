import type { DimensionDef, StarModel } from '../../schemas/model/types.js';

/**
 * Which keys have dead letters (pure: no Kafka, no database). A dead letter is a change a target did not
 * get, so reconcile names, per table, every key that has one; and a dead-lettered dimension change (conform
 * or warehouse stage) names the dimension member whose facts may point at a stale version or value.
 */

/** One dead letter as reconcile needs it: where it came from, why, when, and its key decoded or previewed. */
export interface LetterKey {
  group: string;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  code: string;
  stage: string | null;
  timestampMs: number;
  /** the key record, decoded (JSON-safe), or null when it was not Avro the registry knows */
  key: Record<string, unknown> | null;
  /** when the key did not decode: a bounded preview (hex), so the key is still named */
  keyPreview: string | null;
  /** the value's row image (`after`, else `before`) when the value decoded as a change event */
  row: Record<string, unknown> | null;
  replayed: boolean;
}

/** Where a topic's records go: a source table of the staging mirror, or a table of the star. */
export type TopicTable =
  | { kind: 'raw'; db: string; table: string }
  | { kind: 'conformed'; model: string; table: string }
  | { kind: 'other'; topic: string };

export interface TopicNames {
  /** the raw topics' prefix (`<prefix>.<db>.<table>`) */
  prefix: string;
  /** the conformed topics' prefix (`<conformed prefix>.<model>.<Table>`) */
  conformedPrefix: string;
}

/** The table a topic feeds; a topic of neither form is named as it is. */
export function topicTable(topic: string, names: TopicNames): TopicTable {
  const under = (prefix: string) => (topic.startsWith(`${prefix}.`) ? topic.slice(prefix.length + 1) : null);
  // The conformed prefix defaults to `<prefix>.conformed`, under the raw prefix: test it first.
  const conformed = under(names.conformedPrefix);
  if (conformed !== null) {
    const parts = conformed.split('.');
    if (parts.length === 2 && parts.every((p) => p !== ''))
      return { kind: 'conformed', model: parts[0]!, table: parts[1]! };
  }
  const raw = under(names.prefix);
  if (raw !== null) {
    const parts = raw.split('.');
    if (parts.length === 2 && parts.every((p) => p !== ''))
      return { kind: 'raw', db: parts[0]!, table: parts[1]! };
  }
  return { kind: 'other', topic };
}

export function tableName(t: TopicTable): string {
  return t.kind === 'raw' ? `${t.db}.${t.table}` : t.kind === 'conformed' ? `${t.model}.${t.table}` : t.topic;
}

/**
 * A field name as the source spells it. Debezium's avro_unicode field-name adjustment (connectors/mariadb.ts)
 * writes every `_` and every character Avro names cannot hold as `_uXXXX`: a name whose every `_` starts
 * such an escape is unescaped; any other name is as the source spells it already.
 */
export function sourceFieldName(name: string): string {
  if (!name.includes('_') || /_(?!u[0-9a-fA-F]{4})/.test(name)) return name;
  return name.replace(/_u([0-9a-fA-F]{4})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** A decoded record with its field names as the source spells them. */
export function withSourceNames(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[sourceFieldName(k)] = v;
  return out;
}

/** A key as text: `col=value, …` for a decoded key, the preview for one that did not decode. */
export function keyText(l: Pick<LetterKey, 'key' | 'keyPreview'>): string {
  if (l.key !== null)
    return Object.entries(l.key)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(', ');
  return l.keyPreview ?? 'null';
}

export interface KeyWithLetters {
  /** `col=value, …`, or the preview of bytes that did not decode */
  key: string;
  /** the decoded key's values by column (absent when it did not decode) */
  values?: Record<string, unknown>;
  count: number;
  /** how many of them `starling dlq replay` has sent back */
  replayed: number;
  codes: string[];
  groups: string[];
  newestMs: number;
  /** raw tables: whether the source has a row with this key now (null: not checked or not decodable) */
  inSource?: boolean | null;
}

export interface TableLetters {
  /** `db.table` (raw) or `model.Table` (conformed) or the topic */
  table: string;
  kind: TopicTable['kind'];
  /** dead-lettered records: one per group and source record, however often it was dead-lettered */
  letters: number;
  /**
   * letters beyond the first for the same group and source record: the stage read the record again (a
   * restart or rebalance between writing the letter and committing the offset) and dead-lettered it again
   */
  repeated: number;
  /** distinct keys; `keys` holds at most the listing limit of them, the newest first */
  keyCount: number;
  keys: KeyWithLetters[];
}

/** Keys listed per table (--json included): a flood of poison must not make the report unbounded. */
export const KEYS_LISTED = 1000;

/**
 * Groups letters by table and key: counts, codes, groups, newest time; tables by name, keys newest first.
 * A source record dead-lettered again by the same group (read again after a restart or a rebalance) counts
 * once, in `repeated` beyond that.
 */
export function keysByTable(letters: LetterKey[], names: TopicNames, limit = KEYS_LISTED): TableLetters[] {
  type Entry = {
    kind: TopicTable['kind'];
    letters: number;
    repeated: number;
    keys: Map<string, KeyWithLetters>;
  };
  const tables = new Map<string, Entry>();
  const seen = new Set<string>();
  for (const l of letters) {
    const t =
      l.sourceTopic === null
        ? ({ kind: 'other', topic: '(no source topic)' } as const)
        : topicTable(l.sourceTopic, names);
    const name = tableName(t);
    let entry = tables.get(name);
    if (!entry) {
      entry = { kind: t.kind, letters: 0, repeated: 0, keys: new Map() };
      tables.set(name, entry);
    }
    if (l.sourceTopic !== null && l.sourcePartition !== null && l.sourceOffset !== null) {
      const id = JSON.stringify([l.group, l.sourceTopic, l.sourcePartition, l.sourceOffset]);
      if (seen.has(id)) {
        entry.repeated++;
        continue;
      }
      seen.add(id);
    }
    entry.letters++;
    const text = keyText(l);
    let k = entry.keys.get(text);
    if (!k) {
      k = {
        key: text,
        ...(l.key ? { values: l.key } : {}),
        count: 0,
        replayed: 0,
        codes: [],
        groups: [],
        newestMs: 0,
      };
      entry.keys.set(text, k);
    }
    k.count++;
    if (l.replayed) k.replayed++;
    if (!k.codes.includes(l.code)) k.codes.push(l.code);
    if (!k.groups.includes(l.group)) k.groups.push(l.group);
    k.newestMs = Math.max(k.newestMs, l.timestampMs);
  }
  return [...tables]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([table, e]) => {
      const keys = [...e.keys.values()];
      for (const k of keys) k.codes.sort();
      keys.sort((a, b) => b.newestMs - a.newestMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return {
        table,
        kind: e.kind,
        letters: e.letters,
        repeated: e.repeated,
        keyCount: keys.length,
        keys: keys.slice(0, limit),
      };
    });
}

/** A dimension member named by a dead-lettered change: its natural key's value as text. */
export interface MemberLetter {
  dimension: string;
  naturalKey: string;
  value: string;
}

const valueText = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v);

/**
 * The dimension members whose change a conform or warehouse stage dead-lettered: from a raw table that
 * feeds a dimension (its natural key from the key, else from the row image), or from a dimension's conformed
 * topic (keyed by the natural key). Staging letters name no member: the staging mirror is not the star.
 */
export function dimensionMembers(
  letters: LetterKey[],
  names: TopicNames,
  model: StarModel,
  namespaces: Map<string, string>,
  starGroups: string[],
): MemberLetter[] {
  const seen = new Set<string>();
  const out: MemberLetter[] = [];
  const add = (dim: DimensionDef, v: unknown) => {
    const value = valueText(v);
    if (value === null) return;
    const id = `${dim.name}\u0000${value}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ dimension: dim.name, naturalKey: dim.naturalKey.name, value });
  };
  for (const l of letters) {
    if (!starGroups.includes(l.group) || l.sourceTopic === null) continue;
    const t = topicTable(l.sourceTopic, names);
    if (t.kind === 'conformed') {
      const dim = model.dimensions.find((d) => d.name === t.table);
      if (dim && t.model === model.name && l.key) add(dim, l.key[dim.naturalKey.name]);
    } else if (t.kind === 'raw') {
      for (const dim of model.dimensions) {
        const db = namespaces.get(dim.source.namespace) ?? dim.source.namespace;
        if (db !== t.db || dim.source.table !== t.table) continue;
        const from = dim.naturalKey.from;
        add(dim, l.key && from in l.key ? l.key[from] : l.row?.[from]);
      }
    }
  }
  return out;
}

/** The row image of a decoded Debezium change event (`after`, else `before`), source names, when it has one. */
export function rowImage(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as { after?: unknown; before?: unknown };
  const img = v.after ?? v.before;
  return img !== null && typeof img === 'object' && !Array.isArray(img)
    ? withSourceNames(img as Record<string, unknown>)
    : null;
}
