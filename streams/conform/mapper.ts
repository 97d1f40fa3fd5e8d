import { getOrInit } from '../../core/collections.js';
import type { DimensionDef, FactDef, SourceRef, StarModel } from '../../schemas/model/types.js';
import { BadRecordError, type ChangeEvent, type SqlValue } from '../../sinks/envelope/types.js';
import type { ConformedRecord, DimensionRecord, FactRecord } from './records.js';
import { eventMicros, multiply, toWarehouseValue } from './values.js';

/**
 * Interprets a star model: one source change -> the conformed records it makes (pure, no state, no I/O).
 * - A dimension's source change (insert, update, snapshot read) -> one member record with every attribute
 *   and the change's event time. A source delete makes none: a member stays while facts of the past point at
 *   it (Kimball), and a "distinct values" dimension (no attributes) never loses a value.
 * - A fact's source change -> an upsert, or a delete keyed by the grain.
 * Sources are matched by (namespace, table) after the namespace mapping (a model written for `sales` can run
 * against a database of another name).
 */
export class ModelMapper {
  private readonly bySource = new Map<string, { dims: DimensionDef[]; facts: FactDef[] }>();

  constructor(
    readonly model: StarModel,
    /** Model namespace -> actual source namespace (identity when absent). */
    private readonly namespaces: ReadonlyMap<string, string> = new Map(),
  ) {
    const slot = (src: SourceRef) => {
      const k = this.sourceKey(src);
      const s = getOrInit(this.bySource, k, () => ({ dims: [], facts: [] }));
      return s;
    };
    for (const d of model.dimensions) slot(d.source).dims.push(d);
    for (const f of model.facts) slot(f.source).facts.push(f);
  }

  /** The actual namespace of a model source. */
  namespaceOf(src: SourceRef): string {
    return this.namespaces.get(src.namespace) ?? src.namespace;
  }

  private sourceKey(src: SourceRef): string {
    return `${this.namespaceOf(src)}\u0000${src.table}`;
  }

  /** The source tables (actual namespace, table) the model reads. */
  sources(): Array<{ namespace: string; table: string }> {
    return [...this.bySource.keys()].map((k) => {
      const [namespace = '', table = ''] = k.split('\u0000');
      return { namespace, table };
    });
  }

  /** Whether a change of this table feeds the model. */
  reads(namespace: string, table: string): boolean {
    return this.bySource.has(`${namespace}\u0000${table}`);
  }

  map(e: ChangeEvent): ConformedRecord[] {
    const targets = this.bySource.get(`${e.table.namespace}\u0000${e.table.name}`);
    if (!targets) return [];
    const out: ConformedRecord[] = [];
    const row = e.row ? fieldsOf(e) : null;
    for (const dim of targets.dims) if (row) out.push(...this.dimension(dim, e, row));
    for (const fact of targets.facts) out.push(this.fact(fact, e, row));
    return out;
  }

  private dimension(dim: DimensionDef, e: ChangeEvent, row: Record<string, unknown>): DimensionRecord[] {
    const path = `${dim.name}`;
    const naturalKey = toWarehouseValue(
      row[dim.naturalKey.from],
      dim.naturalKey.type,
      `${path}.${dim.naturalKey.name}`,
    );
    // No member without a natural key (e.g. a product without a type has no category member).
    if (naturalKey === null) return [];
    const attributes: Record<string, SqlValue> = {};
    for (const a of dim.attributes)
      attributes[a.name] = toWarehouseValue(row[a.from], a.type, `${path}.${a.name}`);
    // The business time when the source has it; the commit time when the column is NULL or absent (an
    // event of an older schema version, written before the column was added).
    const business = dim.eventTime === undefined ? null : (row[dim.eventTime] ?? null);
    const eventTime =
      business !== null
        ? eventMicros(business, `${path}: source column ${dim.eventTime}`)
        : BigInt(e.sourceTsMs) * 1000n;
    return [
      {
        kind: 'dimension',
        table: dim.name,
        naturalKey,
        attributes,
        eventTime,
        position: e.position,
        sourceTsMs: e.sourceTsMs,
      },
    ];
  }

  private fact(fact: FactDef, e: ChangeEvent, row: Record<string, unknown> | null): FactRecord {
    const path = fact.name;
    const base = { kind: 'fact' as const, table: fact.name, position: e.position, sourceTsMs: e.sourceTsMs };
    if (!row) {
      // A delete: the key columns of the source identify the grain.
      const grain: Record<string, SqlValue> = {};
      for (const g of fact.grain) {
        if (!Object.hasOwn(e.key, g.from))
          throw new BadRecordError(
            'GRAIN_NOT_IN_KEY',
            `${path}: grain column ${g.from} is not part of the source key (${e.keyColumns.join(', ')}): deletes cannot be applied`,
          );
        grain[g.name] = toWarehouseValue(e.key[g.from], g.type, `${path}.${g.name}`);
      }
      return { ...base, op: 'delete', grain, links: {}, eventTime: null, measures: {} };
    }
    const grain: Record<string, SqlValue> = {};
    for (const g of fact.grain) {
      grain[g.name] = toWarehouseValue(row[g.from], g.type, `${path}.${g.name}`);
      if (grain[g.name] === null)
        throw new BadRecordError('GRAIN_NULL', `${path}: grain column ${g.from} is null`);
    }
    const links: Record<string, SqlValue> = {};
    for (const link of fact.dimensions) {
      if (!('column' in link)) continue;
      const dim = this.model.dimensions.find((d) => d.name === link.dimension)!;
      links[dim.name] = toWarehouseValue(row[link.column], dim.naturalKey.type, `${path}.${link.column}`);
    }
    const measures: Record<string, SqlValue> = {};
    for (const m of fact.measures)
      if ('from' in m) measures[m.name] = toWarehouseValue(row[m.from], m.type, `${path}.${m.name}`);
    // Derived measures after the plain ones (the validator rules out cycles); repeated until all are set.
    let pending = fact.measures.filter((m) => 'product' in m);
    while (pending.length > 0) {
      const next = pending.filter(
        (m) => 'product' in m && !m.product.every((n) => Object.hasOwn(measures, n)),
      );
      for (const m of pending)
        if ('product' in m && m.product.every((n) => Object.hasOwn(measures, n)))
          measures[m.name] = multiply(
            measures[m.product[0]]!,
            measures[m.product[1]]!,
            m.type,
            `${path}.${m.name}`,
          );
      if (next.length === pending.length) break;
      pending = next;
    }
    const eventTime = eventMicros(row[fact.eventTime], `${path}: source column ${fact.eventTime}`);
    return { ...base, op: 'upsert', grain, links, eventTime, measures };
  }
}

/** The source row's fields: the columns of a table, or the top-level fields of a MongoDB document. */
function fieldsOf(e: ChangeEvent): Record<string, unknown> {
  const row = e.row!;
  const doc = row.document;
  if (
    Object.hasOwn(row, 'document') &&
    typeof doc === 'string' &&
    e.keyColumns.length === 1 &&
    e.keyColumns[0] === '_id'
  ) {
    try {
      const parsed = JSON.parse(doc) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new BadRecordError(
      'DOCUMENT_INVALID',
      `${e.table.namespace}.${e.table.name}: the document is not a JSON object`,
    );
  }
  return row;
}
