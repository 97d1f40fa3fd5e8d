import { describe, expect, it } from 'vitest';
import { defaultYear, parseSalesFilters } from './params.js';

const options = { years: [2019, 2020], categories: ['laptop', 'smart phone', 'television'] };
const parse = (q: string) => parseSalesFilters(new URLSearchParams(q), options, Date.UTC(2026, 0, 1));
const error = (q: string) => {
  const r = parse(q);
  return r.ok ? undefined : r.error;
};

describe('the filters of /api/sales', () => {
  it('default: the newest year with facts, every category', () => {
    expect(parse('')).toEqual({ ok: true, filters: { year: 2020, category: null } });
    expect(parse('year=&category=')).toEqual({ ok: true, filters: { year: 2020, category: null } });
    expect(defaultYear({ years: [], categories: [] }, Date.UTC(2026, 5, 1))).toBe(2026);
  });

  it('a year with facts and a category of the warehouse (a space arrives as + or %20)', () => {
    expect(parse('year=2019&category=smart+phone')).toEqual({
      ok: true,
      filters: { year: 2019, category: 'smart phone' },
    });
    expect(parse('category=smart%20phone')).toEqual({
      ok: true,
      filters: { year: 2020, category: 'smart phone' },
    });
  });

  it('a bad year says what is accepted', () => {
    expect(error('year=20x0')).toBe('year must be a four-digit year such as 2020, not "20x0"');
    expect(error('year=2020.0')).toMatch(/four-digit/);
    expect(error('year=-2020')).toMatch(/four-digit/);
    expect(error('year=1999')).toBe('the warehouse has no sales in 1999; years with sales: 2019, 2020');
  });

  it('an empty warehouse accepts only the current year', () => {
    const empty = { years: [], categories: [] };
    const now = Date.UTC(2026, 5, 1);
    expect(parseSalesFilters(new URLSearchParams('year=2026'), empty, now).ok).toBe(true);
    expect(parseSalesFilters(new URLSearchParams('year=2020'), empty, now)).toEqual({
      ok: false,
      error: 'the warehouse has no sales in 2020; years with sales: 2026',
    });
    expect(parseSalesFilters(new URLSearchParams('category=laptop'), empty, now)).toEqual({
      ok: false,
      error: 'unknown category "laptop"; the warehouse\'s categories: none yet',
    });
  });

  it('a bad category lists the warehouse categories; long values are cut in the message', () => {
    expect(error('category=Electronics')).toBe(
      'unknown category "Electronics"; the warehouse\'s categories: laptop, smart phone, television',
    );
    expect(error('category=Laptop')).toMatch(/unknown category "Laptop"/);
    expect(error(`category=${'x'.repeat(500)}`)).toBe(
      `unknown category "${'x'.repeat(40)}…"; the warehouse's categories: laptop, smart phone, television`,
    );
  });

  it('unknown and repeated parameters are refused', () => {
    expect(error('month=3')).toBe('unknown parameter "month": the filters are source, year and category');
    expect(error('year=2019&year=2020')).toBe('year is given more than once');
  });
});
