import { type KeyPart, memberKey, versionKey } from './keys.js';
import { type EventTime, toEpochMicros } from './time.js';

/**
 * SCD type 2 version bookkeeping for one natural key, as pure functions (docs/hard-parts.md, "Surrogate
 * keys, SCD2 and late arrivals").
 *
 * The versions are a function of the SET of changes seen, never of their arrival order: each version keeps
 * the change points merged into it (event time, source position, type-2 values), and every call rebuilds
 * the list from all points plus the incoming one. So a late (out-of-order) change splits the version it
 * falls into, and a change that repeated a version's values (merged, not a new version) is still there to
 * restart the old values after the split: A@1, A@3, then late B@2 gives A [1,2), B [2,3), A [3,…).
 *
 * Rules:
 * - A change carries the full image of the member's attributes (Debezium's `after`): its type-2 values
 *   start a new version at its event time when they differ from the version in force there; otherwise it
 *   merges into it.
 * - Two changes at the same event time: the one with the greater source position wins (the other is
 *   dropped, since it can never matter again). Redelivery of a change (same position) changes nothing.
 * - Type-1 attributes take the values of the change with the greatest source position, in every version.
 * - The first version starts at the beginning of time (EARLIEST), not at its first change: facts older than
 *   the first change a processor saw (before a snapshot, say) resolve to it. An inferred member (a fact
 *   arrived first) is a single placeholder version from EARLIEST with null attributes and `inferred`; when
 *   its first real change arrives it becomes that change's version, still starting at EARLIEST, so its
 *   SCD2 surrogate key (a hash of the version start) does not change and facts pointing at it stay right.
 * - validTo is exclusive; the open version's validTo is OPEN_END (9999-12-31 00:00:00, the warehouse's
 *   far-future sentinel, schemas/ddl/dialect-neutral.ts).
 */

export type AttrValue = string | number | bigint | boolean | null;

export const EARLIEST = toEpochMicros('0001-01-01 00:00:00');
export const OPEN_END = toEpochMicros('9999-12-31 00:00:00');

export interface Scd2Spec {
  /** Attributes whose change starts a new version. */
  scd2: readonly string[];
  /** Attributes overwritten in every version. */
  scd1: readonly string[];
}

/** One change of the member, from the source. */
export interface AttributeChange {
  eventTime: EventTime;
  /** The source position (compares as a string, byte order = change order). */
  position: string;
  values: Readonly<Record<string, AttrValue>>;
}

/** A change merged into a version: its event time, position and type-2 values. */
export interface ChangePoint {
  at: bigint;
  position: string;
  values: Readonly<Record<string, AttrValue>>;
}

export interface Version {
  /** Microseconds since the epoch, inclusive. */
  validFrom: bigint;
  /** Exclusive; OPEN_END for the current version. */
  validTo: bigint;
  isCurrent: boolean;
  /** Placeholder of a late-arriving member: no real change seen yet. */
  inferred: boolean;
  /** Type-2 and type-1 values (null in an inferred member). */
  attributes: Readonly<Record<string, AttrValue>>;
  /** The newest source position this row reflects (its points and the type-1 values); '' when inferred. */
  position: string;
  /** The position whose type-1 values the attributes carry ('' when none). */
  scd1Position: string;
  /** The changes merged into this version, by event time. */
  points: readonly ChangePoint[];
}

/** The placeholder of a member known only by its natural key (a fact arrived before it). */
export function inferredMember(spec: Scd2Spec): Version[] {
  const attributes: Record<string, AttrValue> = {};
  for (const a of [...spec.scd2, ...spec.scd1]) attributes[a] = null;
  return [
    {
      validFrom: EARLIEST,
      validTo: OPEN_END,
      isCurrent: true,
      inferred: true,
      attributes,
      position: '',
      scd1Position: '',
      points: [],
    },
  ];
}

/** The versions after one more change (the input is not modified). */
export function applyChange(
  versions: readonly Version[],
  change: AttributeChange,
  spec: Scd2Spec,
): Version[] {
  const incoming: ChangePoint = {
    at: toEpochMicros(change.eventTime),
    position: change.position,
    values: pick(change.values, spec.scd2),
  };
  if (incoming.at < EARLIEST || incoming.at >= OPEN_END)
    throw new RangeError(`event time ${String(change.eventTime)} is outside 0001-01-01..9999-12-30`);

  // The type-1 values: those of the greatest position.
  let scd1Position = '';
  let scd1Values: Record<string, AttrValue> = pick({}, spec.scd1);
  for (const v of versions)
    if (v.scd1Position > scd1Position) {
      scd1Position = v.scd1Position;
      scd1Values = pick(v.attributes, spec.scd1);
    }
  if (change.position > scd1Position) {
    scd1Position = change.position;
    scd1Values = pick(change.values, spec.scd1);
  }

  // Every point once (by position); at one instant only the greatest position.
  const byPosition = new Map<string, ChangePoint>();
  for (const v of versions) for (const p of v.points) byPosition.set(p.position, p);
  if (!byPosition.has(incoming.position)) byPosition.set(incoming.position, incoming);
  const byInstant = new Map<bigint, ChangePoint>();
  for (const p of byPosition.values()) {
    const other = byInstant.get(p.at);
    if (!other || p.position > other.position) byInstant.set(p.at, p);
  }
  const points = [...byInstant.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  // Merge runs of equal type-2 values into versions.
  const runs: ChangePoint[][] = [];
  for (const p of points) {
    const run = runs.at(-1);
    if (run && sameValues(run[0]!.values, p.values, spec.scd2)) run.push(p);
    else runs.push([p]);
  }
  return runs.map((run, i): Version => {
    const maxPos = run.map((p) => p.position).reduce(latestPosition, scd1Position);
    return {
      validFrom: i === 0 ? EARLIEST : run[0]!.at,
      validTo: i + 1 < runs.length ? runs[i + 1]![0]!.at : OPEN_END,
      isCurrent: i + 1 === runs.length,
      inferred: false,
      attributes: { ...run[0]!.values, ...scd1Values },
      position: maxPos,
      scd1Position,
      points: run,
    };
  });
}

/** The versions after a sequence of changes (in the given arrival order). */
export function applyChanges(
  versions: readonly Version[],
  changes: Iterable<AttributeChange>,
  spec: Scd2Spec,
): Version[] {
  let out = [...versions];
  for (const c of changes) out = applyChange(out, c, spec);
  return out;
}

/** The version in force at an event time (validFrom <= t < validTo), or undefined. */
export function versionAt(versions: readonly Version[], eventTime: EventTime): Version | undefined {
  const t = toEpochMicros(eventTime);
  let lo = 0;
  let hi = versions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = versions[mid]!;
    if (t < v.validFrom) hi = mid - 1;
    else if (t >= v.validTo) lo = mid + 1;
    else return v;
  }
  return undefined;
}

/** The warehouse surrogate key of a version (SCD2: a hash of the version start). */
export function keyOfVersion(
  dimension: string,
  naturalKey: KeyPart | readonly KeyPart[],
  v: Version,
): bigint {
  return versionKey(dimension, naturalKey, v.validFrom);
}

/** The warehouse surrogate key of a type-1 member. */
export function keyOfMember(dimension: string, naturalKey: KeyPart | readonly KeyPart[]): bigint {
  return memberKey(dimension, naturalKey);
}

/** The later of two source positions (they compare as strings). */
function latestPosition(a: string, b: string): string {
  if (b > a) return b;
  return a;
}

function pick(
  values: Readonly<Record<string, AttrValue>>,
  names: readonly string[],
): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const n of names) out[n] = Object.hasOwn(values, n) ? values[n]! : null;
  return out;
}

function sameValues(
  a: Readonly<Record<string, AttrValue>>,
  b: Readonly<Record<string, AttrValue>>,
  names: readonly string[],
): boolean {
  return names.every((n) => canonical(a[n] ?? null) === canonical(b[n] ?? null));
}

function canonical(v: AttrValue): string {
  if (v === null) return 'z';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return `i${BigInt(v)}`;
  return `${typeof v}:${String(v)}`;
}
