import { describe, expect, it } from 'vitest';
import { Prng } from '../seeds/prng.js';
import { versionKey } from './keys.js';
import {
  type AttributeChange,
  applyChange,
  applyChanges,
  EARLIEST,
  inferredMember,
  keyOfVersion,
  OPEN_END,
  type Scd2Spec,
  type Version,
  versionAt,
} from './scd2.js';
import { isoMicros, toEpochMicros } from './time.js';

const spec: Scd2Spec = { scd2: ['country'], scd1: ['email'] };
const pos = (n: number) => `b:${String(n).padStart(8, '0')}`;
const ch = (day: number, p: number, country: string, email = `e${p}`): AttributeChange => ({
  eventTime: `2020-01-${String(day).padStart(2, '0')} 00:00:00`,
  position: pos(p),
  values: { country, email },
});
const at = (day: number) => toEpochMicros(`2020-01-${String(day).padStart(2, '0')} 00:00:00`);

/** A compact view: [from, to, country] with dates as yyyy-mm-dd ('-inf' / '+inf' at the ends). */
function view(vs: Version[]): string[] {
  const d = (t: bigint) => (t === EARLIEST ? '-inf' : t === OPEN_END ? '+inf' : isoMicros(t).slice(0, 10));
  return vs.map((v) => `${d(v.validFrom)}..${d(v.validTo)} ${String(v.attributes.country)}`);
}

describe('SCD2 versions', () => {
  it('in-order changes: a new version per changed type-2 value, none for repeats', () => {
    const vs = applyChanges([], [ch(1, 1, 'Canada'), ch(3, 2, 'Canada'), ch(5, 3, 'Chile')], spec);
    expect(view(vs)).toEqual(['-inf..2020-01-05 Canada', '2020-01-05..+inf Chile']);
    expect(vs.map((v) => v.isCurrent)).toEqual([false, true]);
    expect(vs[0]!.points).toHaveLength(2);
  });

  it('a late change splits the version it falls into, and the old values resume at the next change', () => {
    const vs = applyChanges([], [ch(1, 1, 'A'), ch(3, 2, 'A'), ch(2, 3, 'B')], spec);
    expect(view(vs)).toEqual(['-inf..2020-01-02 A', '2020-01-02..2020-01-03 B', '2020-01-03..+inf A']);
  });

  it('type-1 attributes take the newest position in every version', () => {
    const vs = applyChanges([], [ch(5, 9, 'B', 'new@x'), ch(1, 1, 'A', 'old@x')], spec);
    expect(vs.map((v) => v.attributes.email)).toEqual(['new@x', 'new@x']);
    expect(vs.map((v) => v.position)).toEqual([pos(9), pos(9)]);
  });

  it('a redelivered change changes nothing; at one instant the greater position wins', () => {
    const once = applyChanges([], [ch(1, 1, 'A'), ch(2, 2, 'B')], spec);
    expect(applyChange(once, ch(2, 2, 'B'), spec)).toEqual(once);
    const tie = applyChanges([], [ch(2, 5, 'C'), ch(2, 4, 'B')], spec);
    expect(view(tie)).toEqual(['-inf..+inf C']);
  });

  it('an inferred member becomes real with its first change and keeps its key', () => {
    const placeholder = inferredMember(spec);
    expect(placeholder[0]).toMatchObject({
      inferred: true,
      validFrom: EARLIEST,
      validTo: OPEN_END,
      position: '',
    });
    expect(placeholder[0]!.attributes).toEqual({ country: null, email: null });
    const real = applyChange(placeholder, ch(7, 1, 'Peru'), spec);
    expect(real).toHaveLength(1);
    expect(real[0]).toMatchObject({ inferred: false, attributes: { country: 'Peru', email: 'e1' } });
    expect(keyOfVersion('DimCustomer', 38, real[0]!)).toBe(keyOfVersion('DimCustomer', 38, placeholder[0]!));
    expect(keyOfVersion('DimCustomer', 38, real[0]!)).toBe(
      versionKey('DimCustomer', 38, '0001-01-01T00:00:00.000000Z'),
    );
    // The same as if no placeholder had existed.
    expect(real).toEqual(applyChange([], ch(7, 1, 'Peru'), spec));
  });

  it('versionAt finds the version in force (validFrom inclusive, validTo exclusive)', () => {
    const vs = applyChanges([], [ch(1, 1, 'A'), ch(3, 2, 'B'), ch(5, 3, 'C')], spec);
    expect(versionAt(vs, '1999-12-31 23:59:59')!.attributes.country).toBe('A');
    expect(versionAt(vs, '2020-01-02 23:59:59.999999')!.attributes.country).toBe('A');
    expect(versionAt(vs, '2020-01-03 00:00:00')!.attributes.country).toBe('B');
    expect(versionAt(vs, at(4))!.attributes.country).toBe('B');
    expect(versionAt(vs, '2030-01-01T00:00:00Z')!.attributes.country).toBe('C');
    expect(versionAt([], at(4))).toBeUndefined();
  });

  it('does not modify its input and rejects times outside the warehouse range', () => {
    const vs = applyChanges([], [ch(1, 1, 'A')], spec);
    const copy = structuredClone(vs);
    applyChange(vs, ch(3, 2, 'B'), spec);
    expect(vs).toEqual(copy);
    expect(() => applyChange([], { ...ch(1, 1, 'A'), eventTime: '9999-12-31 00:00:00' }, spec)).toThrow(
      RangeError,
    );
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  const out: T[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

function shuffle<T>(items: T[], rng: Prng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Random changes: few countries and days (so repeats, splits and same-instant ties happen), unique positions, some redeliveries. */
function randomChanges(rng: Prng, n: number): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.next() < 0.15) {
      changes.push(rng.pick(changes));
      continue;
    }
    changes.push({
      eventTime: `2020-01-0${rng.int(1, 6)} 00:00:0${rng.int(0, 1)}.${String(rng.int(0, 2)).padStart(6, '0')}`,
      position: pos(rng.int(0, 1_000_000) * 100 + i),
      values: { country: rng.pick(['A', 'B', 'C']), email: `e${rng.int(0, 9)}`, ignored: rng.int(0, 9) },
    });
  }
  return changes;
}

describe('SCD2 versions are independent of arrival order (property, seeded)', () => {
  it('every permutation of up to 6 changes gives identical versions (40 seeds)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Prng(seed);
      const changes = randomChanges(rng, rng.int(2, 6));
      const expected = applyChanges([], changes, spec);
      for (const order of permutations(changes)) {
        expect(applyChanges([], order, spec), `seed ${seed}`).toEqual(expected);
        checked++;
      }
      // Starting from an inferred placeholder changes nothing either.
      expect(applyChanges(inferredMember(spec), changes, spec), `seed ${seed} inferred`).toEqual(expected);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('random orders of up to 30 changes give identical, well-formed versions (200 seeds)', () => {
    for (let seed = 100; seed < 300; seed++) {
      const rng = new Prng(seed);
      const changes = randomChanges(rng, rng.int(7, 30));
      const expected = applyChanges([], changes, spec);
      for (let k = 0; k < 5; k++)
        expect(applyChanges([], shuffle(changes, rng), spec), `seed ${seed}`).toEqual(expected);
      // Contiguous, from EARLIEST to OPEN_END, adjacent versions differ, one current.
      expect(expected[0]!.validFrom).toBe(EARLIEST);
      expect(expected.at(-1)!.validTo).toBe(OPEN_END);
      for (let i = 1; i < expected.length; i++) {
        expect(expected[i]!.validFrom).toBe(expected[i - 1]!.validTo);
        expect(expected[i]!.validFrom > expected[i - 1]!.validFrom).toBe(true);
        expect(expected[i]!.attributes.country).not.toBe(expected[i - 1]!.attributes.country);
      }
      expect(expected.filter((v) => v.isCurrent)).toHaveLength(1);
      // The type-1 value is the one of the greatest position, everywhere.
      const newest = [...changes].sort((a, b) => (a.position < b.position ? 1 : -1))[0]!;
      for (const v of expected) expect(v.attributes.email).toBe(newest.values.email);
      // Each change's instant resolves to the values of the greatest position at that instant.
      for (const c of changes) {
        const winner = changes
          .filter((o) => toEpochMicros(o.eventTime) === toEpochMicros(c.eventTime))
          .sort((a, b) => (a.position < b.position ? 1 : -1))[0]!;
        expect(versionAt(expected, c.eventTime)!.attributes.country).toBe(winner.values.country);
      }
    }
  });
});
