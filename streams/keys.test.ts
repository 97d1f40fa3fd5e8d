import { describe, expect, it } from 'vitest';
import { dateKey, encodeKeyInput, memberKey, versionKey } from './keys.js';
import { isoMicros } from './time.js';

describe('surrogate keys', () => {
  it('are stable: pinned vectors (computed once; a change here breaks every warehouse already loaded)', () => {
    expect(encodeKeyInput('m', 'DimItem', 5600)).toBe('s14:starling.sk.v1|m|s7:DimItem|n1|i4:5600');
    expect(memberKey('DimItem', 5600)).toBe(1698172352241871926n);
    expect(memberKey('DimCustomer', 38)).toBe(1630157717370387522n);
    expect(memberKey('DimCountry', 'Canada')).toBe(5886631060981911322n);
    expect(memberKey('DimCategory', 'smart phone')).toBe(3818732127992691720n);
    expect(memberKey('X', ['a', 1n, null, true])).toBe(7729448006562062469n);
    expect(versionKey('DimCustomer', 38, '2020-09-05 16:20:03.123456')).toBe(3867851694038593690n);
  });

  it('do not depend on how the same value is spelled', () => {
    expect(memberKey('DimItem', 5600n)).toBe(memberKey('DimItem', 5600));
    expect(memberKey('DimItem', [5600])).toBe(memberKey('DimItem', 5600));
    const v = versionKey('DimCustomer', 38, '2020-09-05 16:20:03.123456');
    expect(versionKey('DimCustomer', 38, '2020-09-05T16:20:03.123456Z')).toBe(v);
    expect(versionKey('DimCustomer', 38, '2020-09-05T18:20:03.123456+02:00')).toBe(v);
    expect(versionKey('DimCustomer', 38, 1599322803123456n)).toBe(v);
  });

  it('distinguish types, dimensions, versions, and part boundaries', () => {
    expect(memberKey('DimItem', '5600')).not.toBe(memberKey('DimItem', 5600));
    expect(memberKey('DimCountry', 'Canada')).not.toBe(memberKey('DimCategory', 'Canada'));
    expect(memberKey('D', ['a|b', 'c'])).not.toBe(memberKey('D', ['a', 'b|c']));
    expect(memberKey('D', ['ab', 'c'])).not.toBe(memberKey('D', ['a', 'bc']));
    expect(memberKey('D', [null])).not.toBe(memberKey('D', ['']));
    expect(versionKey('D', 1, '2020-01-01T00:00:00.000001Z')).not.toBe(
      versionKey('D', 1, '2020-01-01T00:00:00Z'),
    );
    expect(versionKey('D', 1, '2020-01-01T00:00:00Z')).not.toBe(memberKey('D', 1));
  });

  it('are positive 63-bit integers with no collision over 100,000 sequential ids', () => {
    const seen = new Set<bigint>();
    let outOfRange = 0;
    for (let id = 0; id < 100_000; id++) {
      const k = memberKey('DimCustomer', id);
      if (k <= 0n || k >= 1n << 63n) outOfRange++;
      seen.add(k);
    }
    expect(outOfRange).toBe(0);
    expect(seen.size).toBe(100_000);
    // The same ids in another dimension share no key with the first.
    for (let id = 0; id < 1000; id++) expect(seen.has(memberKey('DimItem', id))).toBe(false);
  });

  it('refuse parts they cannot encode exactly', () => {
    expect(() => memberKey('D', 2 ** 60)).toThrow(/bigint/);
    expect(() => memberKey('D', Number.NaN)).toThrow(RangeError);
    expect(() => memberKey('D', [])).toThrow(RangeError);
  });

  it('date key is yyyymmdd', () => {
    expect(dateKey('2020-09-05 16:20:03')).toBe(20200905);
  });

  it('isoMicros keeps microseconds and normalises zones', () => {
    expect(isoMicros('2020-09-05 16:20:03.123456')).toBe('2020-09-05T16:20:03.123456Z');
    expect(isoMicros('2020-09-05T18:20:03.1+02:00')).toBe('2020-09-05T16:20:03.100000Z');
    expect(isoMicros(new Date(0))).toBe('1970-01-01T00:00:00.000000Z');
    expect(isoMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(() => isoMicros('2020-02-30')).toThrow(RangeError);
  });
});
