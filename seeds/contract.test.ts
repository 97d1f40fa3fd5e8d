import { describe, expect, it } from 'vitest';
import { CATALOG_BASE, CATALOG_SIZE, countryFor, foldProductId } from './contract.js';

describe('foldProductId', () => {
  it('maps the course range 5600–9000 onto the 438 catalog ids', () => {
    expect(foldProductId(5600)).toBe(5600);
    expect(foldProductId(6037)).toBe(6037);
    expect(foldProductId(6038)).toBe(5600);
    expect(foldProductId(6739)).toBe(5600 + ((6739 - 5600) % 438));
    expect(foldProductId(9000)).toBe(5600 + (3400 % 438));
    for (let p = 5600; p <= 9000; p++) {
      const f = foldProductId(p);
      expect(f).toBeGreaterThanOrEqual(CATALOG_BASE);
      expect(f).toBeLessThan(CATALOG_BASE + CATALOG_SIZE);
    }
  });

  it('keeps ids below the base in range', () => {
    expect(foldProductId(5599)).toBe(6037);
  });
});

describe('countryFor', () => {
  const countries = ['A', 'B', 'C'];
  it('takes index customer_id mod n of the countries sorted by id', () => {
    expect(countryFor(0, countries)).toBe('A');
    expect(countryFor(4, countries)).toBe('B');
    expect(countryFor(89967, countries)).toBe(countries[89967 % 3]);
  });

  it('refuses an empty list', () => {
    expect(() => countryFor(1, [])).toThrow(/no countries/);
  });
});
