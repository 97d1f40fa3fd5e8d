import { getOrInit } from '../../core/collections.js';
import { isVersioned } from '../../schemas/model/columns.js';
import type { DimensionDef, FactDef, StarModel } from '../../schemas/model/types.js';
import type { ConformedRecord, DimensionRecord, FactRecord } from '../../streams/conform/records.js';
import { isoText } from '../../streams/conform/values.js';
import { dateRow } from '../../streams/date-dimension.js';
import { type KeyPart, memberKey, versionKey } from '../../streams/keys.js';
import {
  type AttributeChange,
  applyChanges,
  EARLIEST,
  OPEN_END,
  type Scd2Spec,
  type Version,
} from '../../streams/scd2.js';
import type { SqlValue } from '../envelope/types.js';
import type {
  FactDelete,
  FactRow,
  MemberRepoint,
  MemberRow,
  StoredMember,
  VersionRepoint,
  VersionRow,
  WarehouseTx,
} from './dialect.js';

/**
 * Applies conformed records of ONE model table to the warehouse, inside one transaction that holds the
 * model's lock (dialect.ts). Database-free: it decides what to write, the dialect writes it set-based.
 *
 * The result is a function of the SET of records applied, whatever their order or repetition:
 * - type-1 members keep the attributes of their newest position (guarded upsert);
 * - SCD2 versions are recomputed from every stored change point of the natural key (streams/scd2.ts), so a
 *   late change splits the version it falls into, and the version keys are hashes of their start;
 * - facts keep their newest change (guarded upsert, delete markers); their dimension keys are resolved at
 *   their event time against what the warehouse holds, and every dimension change re-points the facts it
 *   covers (set-based), so a fact written before its member or version arrived ends up where it belongs;
 * - a fact whose member has not arrived references an inferred member (a placeholder keyed like the real
 *   member will be: type 1 by natural key, type 2 as the version starting at the beginning of time),
 *   which the member's first change completes in place.
 */
export class WarehouseWriter {
  private readonly dims: Map<string, DimensionDef>;
  private readonly facts: Map<string, FactDef>;

  constructor(private readonly model: StarModel) {
    this.dims = new Map(model.dimensions.map((d) => [d.name, d]));
    this.facts = new Map(model.facts.map((f) => [f.name, f]));
  }

  async apply(tx: WarehouseTx, table: string, records: ConformedRecord[]): Promise<void> {
    const dim = this.dims.get(table);
    if (dim) {
      const changes = records.filter((r): r is DimensionRecord => r.kind === 'dimension');
      if (isVersioned(dim)) await this.applyVersioned(tx, dim, changes);
      else await this.applyMembers(tx, dim, changes);
      return;
    }
    const fact = this.facts.get(table);
    if (!fact) throw new Error(`table ${table} is not part of model ${this.model.name}`);
    await this.applyFacts(
      tx,
      fact,
      records.filter((r): r is FactRecord => r.kind === 'fact'),
    );
  }

  // --- type 1 -----------------------------------------------------------------------------------------

  private async applyMembers(tx: WarehouseTx, dim: DimensionDef, changes: DimensionRecord[]): Promise<void> {
    const newest = newestBy(changes, (c) => c.naturalKey);
    if (newest.length === 0) return;
    const rows: MemberRow[] = newest.map((c) => ({
      key: mKey(dim, c.naturalKey),
      naturalKey: c.naturalKey,
      attributes: c.attributes,
      position: c.position,
    }));
    await tx.upsertMembers(dim, rows);
    // What the table holds now (an older change than the row's left it alone), for the through-links.
    const stored = await tx.readMembers(
      dim,
      newest.map((c) => c.naturalKey),
    );
    await this.ensureThroughTargets(tx, dim, stored);
    for (const fact of this.model.facts) {
      const through = this.throughLinks(fact, dim);
      if (through.length === 0) continue;
      const members: MemberRepoint[] = stored.map((m) => ({
        viaKey: m.key,
        keys: this.throughKeys(through, m.attributes),
      }));
      await tx.repointByMember(fact, dim, members);
    }
  }

  // --- type 2 -----------------------------------------------------------------------------------------

  private async applyVersioned(
    tx: WarehouseTx,
    dim: DimensionDef,
    changes: DimensionRecord[],
  ): Promise<void> {
    if (changes.length === 0) return;
    // One point per member and position: a conformed record can come twice in one batch (its processor
    // produced it again after a crash before the offset commit), and one statement cannot write a row twice.
    const once = [...new Map(changes.map((c) => [`${canon(c.naturalKey)}\u0001${c.position}`, c])).values()];
    await tx.insertPoints(
      dim,
      once.map((c) => ({
        naturalKey: c.naturalKey,
        at: c.eventTime,
        position: c.position,
        values: c.attributes,
      })),
    );
    const naturalKeys = distinct(changes.map((c) => c.naturalKey));
    const points = await tx.readPoints(dim, naturalKeys);
    const spec = scd2Spec(dim);
    const byKey = new Map<string, AttributeChange[]>();
    for (const p of points) {
      const k = canon(p.naturalKey);
      const list = getOrInit(byKey, k, () => []);
      list.push({ eventTime: p.at, position: p.position, values: p.values as AttributeChange['values'] });
    }
    const rows: VersionRow[] = [];
    const ranges: VersionRepoint[] = [];
    const links = this.model.facts.map((f) => ({ fact: f, through: this.throughLinks(f, dim) }));
    for (const nk of naturalKeys) {
      // Sorted by position: the versions do not depend on the order, but a stable input is easier to debug.
      const list = (byKey.get(canon(nk)) ?? []).sort((a, b) => (a.position < b.position ? -1 : 1));
      const versions: Version[] = applyChanges([], list, spec);
      for (const v of versions) {
        const key = vKey(dim, nk, v.validFrom);
        rows.push({
          key,
          naturalKey: nk,
          attributes: v.attributes as Record<string, SqlValue>,
          validFrom: v.validFrom,
          validTo: v.validTo,
          isCurrent: v.isCurrent,
          inferred: false,
          position: v.position,
        });
        ranges.push({
          naturalKey: nk,
          validFrom: v.validFrom,
          validTo: v.validTo,
          keys: { [dim.surrogateKey]: key },
        });
      }
    }
    await tx.replaceVersions(dim, naturalKeys, rows);
    await this.ensureThroughTargets(tx, dim, rows);
    for (const { fact, through } of links) {
      const direct = fact.dimensions.some((l) => l.dimension === dim.name && 'column' in l);
      if (!direct) continue;
      const withThrough = ranges.map((r, i) => ({
        ...r,
        keys: { ...r.keys, ...this.throughKeys(through, rows[i]!.attributes) },
      }));
      await tx.repointByVersion(fact, dim, withThrough);
    }
  }

  // --- facts ------------------------------------------------------------------------------------------

  private async applyFacts(tx: WarehouseTx, fact: FactDef, changes: FactRecord[]): Promise<void> {
    const newest = newestBy(changes, (c) =>
      fact.grain.map((g) => canon(c.grain[g.name] ?? null)).join('\u0001'),
    );
    const deletes: FactDelete[] = newest
      .filter((c) => c.op === 'delete')
      .map((c) => ({ grain: c.grain, position: c.position }));
    const upserts = newest.filter((c) => c.op === 'upsert');
    if (deletes.length) await tx.deleteFacts(fact, deletes);
    if (upserts.length === 0) return;

    // Resolve each directly linked dimension: its members (type 1) or versions (type 2) of these keys.
    const resolved = new Map<string, Map<string, StoredMember[]>>();
    for (const link of fact.dimensions) {
      if (!('column' in link)) continue;
      const dim = this.dims.get(link.dimension)!;
      const nks = distinct(upserts.map((u) => u.links[dim.name] ?? null).filter((v) => v !== null));
      if (nks.length === 0) continue;
      const stored = groupBy(await tx.readMembers(dim, nks), (m) => canon(m.naturalKey));
      const missing = nks.filter((nk) => !stored.has(canon(nk)));
      if (missing.length > 0) {
        // Late-arriving members: placeholders now, completed in place when the member arrives.
        const placeholders = missing.map((nk) =>
          isVersioned(dim)
            ? { key: vKey(dim, nk, EARLIEST), naturalKey: nk, validFrom: EARLIEST }
            : { key: mKey(dim, nk), naturalKey: nk },
        );
        await tx.insertInferred(dim, placeholders);
        for (const p of placeholders)
          stored.set(canon(p.naturalKey), [
            {
              key: p.key,
              naturalKey: p.naturalKey,
              attributes: nullAttributes(dim),
              ...(isVersioned(dim) ? { validFrom: EARLIEST, validTo: OPEN_END } : {}),
            },
          ]);
      }
      resolved.set(dim.name, stored);
    }

    const rows: FactRow[] = [];
    const dates = new Map<number, bigint>();
    const targets = new Map<string, Map<string, SqlValue>>();
    for (const u of upserts) {
      const t = u.eventTime!;
      const keys: Record<string, bigint | null> = {};
      const naturalKeys: Record<string, SqlValue> = {};
      for (const link of fact.dimensions) {
        if (!('column' in link)) continue;
        const dim = this.dims.get(link.dimension)!;
        const nk = u.links[dim.name] ?? null;
        naturalKeys[dim.naturalKey.name] = nk;
        const member = nk === null ? undefined : pickVersion(resolved.get(dim.name)?.get(canon(nk)) ?? [], t);
        keys[dim.surrogateKey] = member?.key ?? null;
        for (const through of this.throughLinks(fact, dim)) {
          const target = this.dims.get(through.dimension)!;
          const value = member ? (member.attributes[through.attribute] ?? null) : null;
          keys[target.surrogateKey] = value === null ? null : mKey(target, value);
          if (value !== null) {
            const m = getOrInit(targets, target.name, () => new Map());
            m.set(canon(value), value);
          }
        }
      }
      const dateKey = dateRow(isoText(t)).dateid;
      dates.set(dateKey, t);
      rows.push({
        grain: u.grain,
        keys,
        naturalKeys,
        eventTime: t,
        dateKey,
        measures: u.measures,
        position: u.position,
      });
    }
    for (const [name, values] of targets) {
      const target = this.dims.get(name)!;
      await tx.insertInferred(
        target,
        [...values.values()].map((v) => ({ key: mKey(target, v), naturalKey: v })),
      );
    }
    await tx.ensureDates(
      this.model,
      [...dates.values()].map((t) => dateRow(isoText(t))),
    );
    await tx.upsertFacts(fact, this.model, rows);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  /** The through-links of `fact` that go through `via`: target dimension and the attribute holding its key. */
  private throughLinks(fact: FactDef, via: DimensionDef): Array<{ dimension: string; attribute: string }> {
    const out: Array<{ dimension: string; attribute: string }> = [];
    for (const l of fact.dimensions)
      if ('through' in l && l.through.dimension === via.name)
        out.push({ dimension: l.dimension, attribute: l.through.attribute });
    return out;
  }

  private throughKeys(
    through: Array<{ dimension: string; attribute: string }>,
    attributes: Record<string, SqlValue>,
  ): Record<string, bigint | null> {
    const keys: Record<string, bigint | null> = {};
    for (const t of through) {
      const target = this.dims.get(t.dimension)!;
      const v = attributes[t.attribute] ?? null;
      keys[target.surrogateKey] = v === null ? null : mKey(target, v);
    }
    return keys;
  }

  /** The members that facts will reference through `via`'s attributes exist (inferred until their own change). */
  private async ensureThroughTargets(
    tx: WarehouseTx,
    via: DimensionDef,
    rows: Array<{ attributes: Record<string, SqlValue> }>,
  ): Promise<void> {
    const wanted = new Map<string, Map<string, SqlValue>>();
    for (const fact of this.model.facts)
      for (const t of this.throughLinks(fact, via))
        for (const r of rows) {
          const v = r.attributes[t.attribute] ?? null;
          if (v === null) continue;
          const m = getOrInit(wanted, t.dimension, () => new Map());
          m.set(canon(v), v);
        }
    for (const [name, values] of wanted) {
      const target = this.dims.get(name)!;
      await tx.insertInferred(
        target,
        [...values.values()].map((v) => ({ key: mKey(target, v), naturalKey: v })),
      );
    }
  }
}

/**
 * The key part of a natural-key value: integers hash as integers whatever form they arrive in (a BIGINT
 * is a string in the value form, an INTEGER a number), so the processor, the database and a replay agree.
 */
function keyPart(v: SqlValue, dim: DimensionDef): KeyPart {
  const t = dim.naturalKey.type.type;
  if ((t === 'int' || t === 'bigint') && v !== null && !Buffer.isBuffer(v))
    return BigInt(v as string | number);
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return v;
}

function mKey(dim: DimensionDef, v: SqlValue): bigint {
  return memberKey(dim.name, keyPart(v, dim));
}

function vKey(dim: DimensionDef, v: SqlValue, validFrom: bigint): bigint {
  return versionKey(dim.name, keyPart(v, dim), validFrom);
}

export function scd2Spec(dim: DimensionDef): Scd2Spec {
  const type = (a: { scd?: 1 | 2 }) => a.scd ?? dim.scd;
  return {
    scd2: dim.attributes.filter((a) => type(a) === 2).map((a) => a.name),
    scd1: dim.attributes.filter((a) => type(a) === 1).map((a) => a.name),
  };
}

function nullAttributes(dim: DimensionDef): Record<string, SqlValue> {
  return Object.fromEntries(dim.attributes.map((a) => [a.name, null]));
}

/** The member in force at t: a type-1 member (no range), or the SCD2 version whose range holds t. */
function pickVersion(members: StoredMember[], t: bigint): StoredMember | undefined {
  if (members.length === 1 && members[0]!.validFrom === undefined) return members[0];
  return members.find((m) => m.validFrom! <= t && t < m.validTo!);
}

/** A canonical text of a natural-key value (numbers and their string forms from the database agree). */
export function canon(v: SqlValue): string {
  if (v === null) return 'z';
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'boolean') return `b${v}`;
  if (Buffer.isBuffer(v)) return `x${v.toString('hex')}`;
  return `s${v}`;
}

function distinct(values: SqlValue[]): SqlValue[] {
  const m = new Map<string, SqlValue>();
  for (const v of values) m.set(canon(v), v);
  return [...m.values()];
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = getOrInit(m, k, () => []);
    list.push(it);
  }
  return m;
}

/** The change with the greatest position per key (a batch may hold several changes of one key). */
function newestBy<T extends { position: string }>(items: T[], key: (t: T) => SqlValue | string): T[] {
  const m = new Map<string, T>();
  for (const it of items) {
    const k = typeof key(it) === 'string' ? (key(it) as string) : canon(key(it) as SqlValue);
    const cur = m.get(k);
    if (!cur || it.position > cur.position) m.set(k, it);
  }
  return [...m.values()];
}
