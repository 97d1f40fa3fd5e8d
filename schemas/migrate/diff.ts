import { isVersioned } from '../model/columns.js';
import type {
  AttributeDef,
  AttrType,
  DimensionDef,
  DimensionLink,
  FactDef,
  MeasureDef,
  StarModel,
} from '../model/types.js';
import { canonicalJson } from './model-record.js';

/**
 * What it takes to turn the warehouse of one star model (the one recorded in the warehouse) into the
 * warehouse of another (the configured one): a list of additive steps, and a list of refusals for what
 * cannot be done without losing data or lying about history. Pure; the plan (plan.ts) adds the DDL and the
 * rebuild. Every refusal is reported at once, each with its reason.
 *
 * Supported: adding an attribute, a measure, a dimension, a link from a fact to a dimension, a fact;
 * turning attributes from SCD1 to SCD2 (the dimension becomes versioned if it was not); widening a column
 * type. Refused: removing or renaming anything (a rename is a removal plus an addition), changing a natural
 * key, a surrogate-key column, a source, a source column, an event time, a grain, a link's path, SCD2 -> SCD1
 * (history would be thrown away), narrowing or changing a type, the model's name or its date dimension.
 */
export type Step =
  | { kind: 'add-attribute'; dimension: string; attribute: AttributeDef; scd: 1 | 2 }
  | { kind: 'add-measure'; fact: string; measure: MeasureDef }
  | { kind: 'add-dimension'; dimension: DimensionDef }
  | { kind: 'add-link'; fact: string; link: DimensionLink }
  | { kind: 'add-fact'; fact: FactDef }
  | {
      kind: 'scd1-to-scd2';
      dimension: string;
      /** Existing attributes whose SCD type goes from 1 to 2. */
      attributes: string[];
      /** The dimension was type 1 and becomes versioned (valid_from/valid_to/is_current, points table). */
      becomesVersioned: boolean;
    }
  | { kind: 'widen-type'; table: string; column: string; from: AttrType; to: AttrType; dimension?: string };

export interface ModelDiff {
  steps: Step[];
  refusals: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

export function diffModels(from: StarModel, to: StarModel): ModelDiff {
  const steps: Step[] = [];
  const refusals: string[] = [];
  const refuse = (path: string, why: string) => refusals.push(`${path}: ${why}`);

  if (from.name !== to.name)
    refuse(
      'name',
      `renaming the model ("${from.name}" -> "${to.name}") is not supported: it names the conformed topics and the default schema`,
    );
  if (!same(from.dateDimension, to.dateDimension))
    refuse('dateDimension', 'changing the date dimension is not supported (every fact holds its key)');

  for (const old of from.dimensions) {
    const now = to.dimensions.find((d) => d.name === old.name);
    if (!now) {
      refuse(
        old.name,
        "removing (or renaming) a dimension is not supported: its members and the facts' keys would be lost; keep it in the model",
      );
      continue;
    }
    diffDimension(old, now, steps, refuse);
  }
  for (const dim of to.dimensions)
    if (!from.dimensions.some((d) => d.name === dim.name))
      steps.push({ kind: 'add-dimension', dimension: dim });

  for (const old of from.facts) {
    const now = to.facts.find((f) => f.name === old.name);
    if (!now) {
      refuse(old.name, 'removing (or renaming) a fact table is not supported: its rows would be lost');
      continue;
    }
    diffFact(old, now, steps, refuse);
  }
  for (const fact of to.facts)
    if (!from.facts.some((f) => f.name === fact.name)) steps.push({ kind: 'add-fact', fact });

  return { steps, refusals };
}

type Refuse = (path: string, why: string) => void;

const scdOf = (dim: DimensionDef, a: AttributeDef) => a.scd ?? dim.scd;

function diffDimension(old: DimensionDef, now: DimensionDef, steps: Step[], refuse: Refuse): void {
  const p = old.name;
  if (!same(old.source, now.source))
    refuse(
      `${p}.source`,
      "changing a dimension's source is not supported (its members would change identity)",
    );
  if (old.surrogateKey !== now.surrogateKey)
    refuse(
      `${p}.surrogateKey`,
      `renaming the surrogate-key column (${old.surrogateKey} -> ${now.surrogateKey}) is not supported: facts hold it`,
    );
  if (!same(old.naturalKey, now.naturalKey))
    refuse(
      `${p}.naturalKey`,
      'changing a natural key is not supported: surrogate keys are hashes of it, every member and fact key would change',
    );
  if ((old.eventTime ?? null) !== (now.eventTime ?? null))
    refuse(
      `${p}.eventTime`,
      'changing the business-time column is not supported yet (SCD2 boundaries would move)',
    );

  const raised: string[] = [];
  for (const a of old.attributes) {
    const b = now.attributes.find((x) => x.name === a.name);
    const ap = `${p}.${a.name}`;
    if (!b) {
      refuse(
        ap,
        'removing (or renaming) an attribute is not supported: its values and history would be lost',
      );
      continue;
    }
    if (a.from !== b.from)
      refuse(
        ap,
        `changing the source column (${a.from} -> ${b.from}) is not supported; add a new attribute instead`,
      );
    const widened = typeChange(a.type, b.type);
    if (widened === 'refuse')
      refuse(
        ap,
        `changing the type ${typeText(a.type)} -> ${typeText(b.type)} is not supported (only widening)`,
      );
    else if (widened === 'widen')
      steps.push({
        kind: 'widen-type',
        table: old.name,
        column: a.name,
        from: a.type,
        to: b.type,
        dimension: old.name,
      });
    const s1 = scdOf(old, a);
    const s2 = scdOf(now, b);
    if (s1 === 2 && s2 === 1)
      refuse(ap, 'SCD2 -> SCD1 is not supported: it would throw away the history the versions hold');
    if (s1 === 1 && s2 === 2) raised.push(a.name);
  }
  for (const b of now.attributes)
    if (!old.attributes.some((a) => a.name === b.name))
      steps.push({ kind: 'add-attribute', dimension: now.name, attribute: b, scd: scdOf(now, b) });
  const becomesVersioned = !isVersioned(old) && isVersioned(now);
  if (raised.length > 0 || becomesVersioned)
    steps.push({ kind: 'scd1-to-scd2', dimension: now.name, attributes: raised, becomesVersioned });
}

function diffFact(old: FactDef, now: FactDef, steps: Step[], refuse: Refuse): void {
  const p = old.name;
  if (!same(old.source, now.source)) refuse(`${p}.source`, "changing a fact's source is not supported");
  if (!same(old.grain, now.grain))
    refuse(`${p}.grain`, "changing a fact's grain is not supported (it is the primary key)");
  if (old.eventTime !== now.eventTime)
    refuse(`${p}.eventTime`, 'changing the event time is not supported yet (dates and versions would move)');
  if (old.dateDimension !== now.dateDimension)
    refuse(`${p}.dateDimension`, 'changing the date dimension is not supported');

  for (const m of old.measures) {
    const n = now.measures.find((x) => x.name === m.name);
    const mp = `${p}.${m.name}`;
    if (!n) {
      refuse(mp, 'removing (or renaming) a measure is not supported: its values would be lost');
      continue;
    }
    const { type: ta, ...ra } = m;
    const { type: tb, ...rb } = n;
    if (!same(ra, rb))
      refuse(mp, 'changing how a measure is computed is not supported; add a new measure instead');
    const widened = typeChange(ta, tb);
    if (widened === 'refuse')
      refuse(mp, `changing the type ${typeText(ta)} -> ${typeText(tb)} is not supported (only widening)`);
    else if (widened === 'widen')
      steps.push({ kind: 'widen-type', table: old.name, column: m.name, from: ta, to: tb });
  }
  for (const n of now.measures)
    if (!old.measures.some((m) => m.name === n.name))
      steps.push({ kind: 'add-measure', fact: now.name, measure: n });

  for (const l of old.dimensions) {
    const n = now.dimensions.find((x) => x.dimension === l.dimension);
    if (!n)
      refuse(
        `${p}.dimensions.${l.dimension}`,
        'removing a link to a dimension is not supported: the key column would be lost',
      );
    else if (!same(l, n))
      refuse(`${p}.dimensions.${l.dimension}`, 'changing how a fact finds a dimension is not supported');
  }
  for (const n of now.dimensions)
    if (!old.dimensions.some((l) => l.dimension === n.dimension))
      steps.push({ kind: 'add-link', fact: now.name, link: n });
}

/** 'same', 'widen' (every old value fits the new type, same meaning) or 'refuse'. */
export function typeChange(a: AttrType, b: AttrType): 'same' | 'widen' | 'refuse' {
  if (same(a, b)) return 'same';
  if (a.type === 'int' && b.type === 'bigint') return 'widen';
  if (a.type === 'text' && b.type === 'text')
    return b.maxLength === undefined || (a.maxLength !== undefined && b.maxLength >= a.maxLength)
      ? 'widen'
      : 'refuse';
  if (a.type === 'decimal' && b.type === 'decimal')
    return b.scale === a.scale && b.precision >= a.precision ? 'widen' : 'refuse';
  return 'refuse';
}

export function typeText(t: AttrType): string {
  if (t.type === 'decimal') return `decimal(${t.precision},${t.scale})`;
  if (t.type === 'text') return t.maxLength === undefined ? 'text' : `text(${t.maxLength})`;
  return t.type;
}
