import { describe, expect, it } from 'vitest';
import type { OltpRow } from './rows.js';
import { customerTuples, salesTuples } from './softcart-rows.js';

const rows: OltpRow[] = [
  { productId: 6739, customerId: 76305, price: '230', quantity: 1, timestamp: '2020-09-05 16:20:03' },
  { productId: 5600, customerId: 38, price: '57', quantity: 5, timestamp: '2020-09-05 16:20:04' },
  { productId: 9000, customerId: 76305, price: '4993', quantity: 2, timestamp: '2020-09-05 16:20:05' },
];

describe('salesTuples', () => {
  it('numbers rows from 1 and folds product ids', () => {
    expect(salesTuples(rows, 1)).toEqual([
      [1, 5600 + (1139 % 438), 76305, '230', 1, '2020-09-05 16:20:03'],
      [2, 5600, 38, '57', 5, '2020-09-05 16:20:04'],
      [3, 5600 + (3400 % 438), 76305, '4993', 2, '2020-09-05 16:20:05'],
    ]);
  });

  it('repeats the rows with new rowids and timestamps continuing the stream', () => {
    const t = salesTuples(rows, 3);
    expect(t).toHaveLength(9);
    expect(t.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(t[3]![5]).toBe('2020-09-05 16:20:06');
    expect(t[8]![5]).toBe('2020-09-05 16:20:11');
    expect(t[4]!.slice(1, 5)).toEqual(t[1]!.slice(1, 5));
  });
});

describe('customerTuples', () => {
  it('gives each distinct customer once, ascending, country by id mod n, the seed business time', () => {
    expect(customerTuples(rows, ['A', 'B', 'C', 'D'])).toEqual([
      [38, 'C', '2019-01-01 00:00:00'],
      [76305, 'B', '2019-01-01 00:00:00'],
    ]);
  });
});
