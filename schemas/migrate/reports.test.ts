import { describe, expect, it } from 'vitest';
import { softcartModel } from '../softcart.js';
import { softcartV1 } from './fixtures.js';
import { reportsFit } from './reports.js';

describe('reportsFit', () => {
  it('SoftCart has what the reports read; the smaller v1 star (no amount, no DimCountry) does not', () => {
    expect(reportsFit(softcartModel)).toBe(true);
    expect(reportsFit(softcartV1())).toBe(false);
    expect(reportsFit({ ...softcartModel, name: 'other' })).toBe(false);
    expect(reportsFit({ ...softcartModel, facts: [] })).toBe(false);
  });
});
