import { isVersioned } from '../../schemas/model/columns.js';
import type { AttrType, DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import type { SqlValue } from '../../sinks/envelope/types.js';
import type { ConformedRecord, DimensionRecord, FactRecord } from './records.js';

/**
 * The Avro schemas of the conformed topics (registered under <topic>-key and <topic>-value, the
 * TopicNameStrategy Debezium's topics use too), and the record <-> Avro value mapping.
 *
 * Field types: int -> int; bigint -> long; decimal, text, date and timestamp -> string in the warehouse value
 * form (exact decimals, 'yyyy-mm-dd', 'yyyy-mm-ddThh:mm:ss.ffffff' UTC); boolean -> boolean; every model
 * value is nullable. Bookkeeping fields are prefixed with `_` so they cannot collide with model columns
 * (the validator keeps model columns Avro-safe): `_op`, `_event_time` (long µs), `_position`, `_source_ts_ms`.
 */

type AvroSchema = Record<string, unknown>;

const NAMESPACE = 'io.starling.conformed';

function avroType(t: AttrType): string {
  switch (t.type) {
    case 'int':
      return 'int';
    case 'bigint':
      return 'long';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}

const field = (name: string, t: AttrType) => ({ name, type: ['null', avroType(t)], default: null });

export function dimensionSchemas(
  model: StarModel,
  dim: DimensionDef,
): { key: AvroSchema; value: AvroSchema } {
  const ns = `${NAMESPACE}.${model.name}`;
  const nk = { name: dim.naturalKey.name, type: avroType(dim.naturalKey.type) };
  return {
    key: { type: 'record', name: `${dim.name}Key`, namespace: ns, fields: [nk] },
    value: {
      type: 'record',
      name: `${dim.name}Change`,
      namespace: ns,
      doc: `A change of a ${dim.name} member (SCD type ${isVersioned(dim) ? 2 : 1}).`,
      fields: [
        { name: '_event_time', type: 'long' },
        { name: '_position', type: 'string' },
        { name: '_source_ts_ms', type: 'long' },
        nk,
        ...dim.attributes.map((a) => field(a.name, a.type)),
      ],
    },
  };
}

export function factSchemas(model: StarModel, fact: FactDef): { key: AvroSchema; value: AvroSchema } {
  const ns = `${NAMESPACE}.${model.name}`;
  const grain = fact.grain.map((g) => ({ name: g.name, type: avroType(g.type) }));
  const links = fact.dimensions
    .filter((l) => 'column' in l)
    .map((l) => model.dimensions.find((d) => d.name === l.dimension)!)
    .map((d) => field(d.naturalKey.name, d.naturalKey.type));
  return {
    key: { type: 'record', name: `${fact.name}Key`, namespace: ns, fields: grain },
    value: {
      type: 'record',
      name: `${fact.name}Change`,
      namespace: ns,
      doc: `A change of a ${fact.name} row: an upsert or a delete of its grain.`,
      fields: [
        { name: '_op', type: { type: 'enum', name: `${fact.name}Op`, symbols: ['upsert', 'delete'] } },
        { name: '_event_time', type: ['null', 'long'], default: null },
        { name: '_position', type: 'string' },
        { name: '_source_ts_ms', type: 'long' },
        ...grain,
        ...links,
        ...fact.measures.map((m) => field(m.name, m.type)),
      ],
    },
  };
}

/** The Avro form of a value (long fields as BigInt, the codec's long representation). */
function toAvro(v: SqlValue, t: AttrType): unknown {
  if (v === null) return null;
  if (t.type === 'bigint') return BigInt(v as string);
  if (t.type === 'int' || t.type === 'boolean') return v;
  return String(v);
}

function fromAvro(v: unknown, t: AttrType): SqlValue {
  if (v === null || v === undefined) return null;
  if (t.type === 'bigint') return String(v);
  return v as SqlValue;
}

export function encodeRecord(model: StarModel, r: ConformedRecord): { key: unknown; value: unknown } {
  if (r.kind === 'dimension') {
    const dim = model.dimensions.find((d) => d.name === r.table)!;
    const nk = toAvro(r.naturalKey, dim.naturalKey.type);
    const value: Record<string, unknown> = {
      _event_time: r.eventTime,
      _position: r.position,
      _source_ts_ms: BigInt(r.sourceTsMs),
      [dim.naturalKey.name]: nk,
    };
    for (const a of dim.attributes) value[a.name] = toAvro(r.attributes[a.name] ?? null, a.type);
    return { key: { [dim.naturalKey.name]: nk }, value };
  }
  const fact = model.facts.find((f) => f.name === r.table)!;
  const key: Record<string, unknown> = {};
  for (const g of fact.grain) key[g.name] = toAvro(r.grain[g.name] ?? null, g.type);
  const value: Record<string, unknown> = {
    _op: r.op,
    _event_time: r.eventTime,
    _position: r.position,
    _source_ts_ms: BigInt(r.sourceTsMs),
    ...key,
  };
  for (const l of fact.dimensions) {
    if (!('column' in l)) continue;
    const d = model.dimensions.find((x) => x.name === l.dimension)!;
    value[d.naturalKey.name] = toAvro(r.links[d.name] ?? null, d.naturalKey.type);
  }
  for (const m of fact.measures) value[m.name] = toAvro(r.measures[m.name] ?? null, m.type);
  return { key, value };
}

/** The record of a decoded conformed value of `table`. */
export function decodeRecord(model: StarModel, table: string, v: Record<string, unknown>): ConformedRecord {
  const dim = model.dimensions.find((d) => d.name === table);
  if (dim) {
    const attributes: Record<string, SqlValue> = {};
    for (const a of dim.attributes) attributes[a.name] = fromAvro(v[a.name], a.type);
    const r: DimensionRecord = {
      kind: 'dimension',
      table,
      naturalKey: fromAvro(v[dim.naturalKey.name], dim.naturalKey.type),
      attributes,
      eventTime: BigInt(v._event_time as bigint),
      position: v._position as string,
      sourceTsMs: Number(v._source_ts_ms),
    };
    return r;
  }
  const fact = model.facts.find((f) => f.name === table);
  if (!fact) throw new Error(`table ${table} is not in model ${model.name}`);
  const grain: Record<string, SqlValue> = {};
  for (const g of fact.grain) grain[g.name] = fromAvro(v[g.name], g.type);
  const op = v._op as FactRecord['op'];
  const links: Record<string, SqlValue> = {};
  const measures: Record<string, SqlValue> = {};
  if (op === 'upsert') {
    for (const l of fact.dimensions) {
      if (!('column' in l)) continue;
      const d = model.dimensions.find((x) => x.name === l.dimension)!;
      links[d.name] = fromAvro(v[d.naturalKey.name], d.naturalKey.type);
    }
    for (const m of fact.measures) measures[m.name] = fromAvro(v[m.name], m.type);
  }
  return {
    kind: 'fact',
    table,
    op,
    grain,
    links,
    eventTime: v._event_time === null || v._event_time === undefined ? null : BigInt(v._event_time as bigint),
    measures,
    position: v._position as string,
    sourceTsMs: Number(v._source_ts_ms),
  };
}
