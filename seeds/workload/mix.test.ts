import { describe, expect, it } from 'vitest';
import { chooseKind, DEFAULT_MIX, parseMix, writesCatalog } from './mix.js';

describe('parseMix', () => {
  it('reads kind=weight pairs, missing kinds weigh 0', () => {
    expect(parseMix('insert=60,update=25,delete=10,pk=5')).toEqual({
      insert: 60,
      update: 25,
      delete: 10,
      pk: 5,
      country: 0,
      late: 0,
      category: 0,
    });
    expect(parseMix(' country=1,late=2, category=3 ')).toEqual({
      insert: 0,
      update: 0,
      delete: 0,
      pk: 0,
      country: 1,
      late: 2,
      category: 3,
    });
  });

  it('lists every problem in one message', () => {
    let message = '';
    try {
      parseMix('insert=abc,upsert=3,delete=-1,pk=5,pk=6,oops');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('the weight of "insert" ("abc") is not a non-negative integer');
    expect(message).toContain('unknown kind "upsert"');
    expect(message).toContain('the weight of "delete" ("-1")');
    expect(message).toContain('"pk" is given twice');
    expect(message).toContain('"oops" is not kind=weight');
    expect(message).toContain('e.g. insert=60,update=25,delete=10,pk=5');
  });

  it('refuses a mix where nothing can happen', () => {
    expect(() => parseMix('insert=0,update=0')).toThrow(/every weight is 0/);
    expect(() => parseMix('')).toThrow(/"" is not kind=weight/);
  });
});

describe('chooseKind', () => {
  it('maps draws onto the weight bands', () => {
    const mix = parseMix('insert=50,delete=50');
    expect(chooseKind(mix, 0)).toBe('insert');
    expect(chooseKind(mix, 0.49)).toBe('insert');
    expect(chooseKind(mix, 0.5)).toBe('delete');
    expect(chooseKind(mix, 0.999999)).toBe('delete');
    expect(chooseKind(DEFAULT_MIX, 0.999999)).toBe('country');
    const late = parseMix('late=1,category=3');
    expect(chooseKind(late, 0.24)).toBe('late');
    expect(chooseKind(late, 0.25)).toBe('category');
  });

  it('keeps the default mix without catalog changes', () => {
    expect(DEFAULT_MIX).toEqual({
      insert: 55,
      update: 25,
      delete: 10,
      pk: 5,
      country: 5,
      late: 0,
      category: 0,
    });
    expect(writesCatalog(DEFAULT_MIX)).toBe(false);
    expect(writesCatalog(parseMix('insert=1,category=1'))).toBe(true);
  });
});
