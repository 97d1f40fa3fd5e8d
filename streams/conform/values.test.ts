import { describe, expect, it } from 'vitest';
import { BadRecordError } from '../../sinks/envelope/types.js';
import { eventMicros, isoText, multiply, toWarehouseValue } from './values.js';

const dec = (precision: number, scale: number) => ({ type: 'decimal', precision, scale }) as const;

describe('toWarehouseValue', () => {
  it('keeps decimals exact and pads them to the scale', () => {
    expect(toWarehouseValue('12.3', dec(10, 2), 'p')).toBe('12.30');
    expect(toWarehouseValue('99999999.99', dec(10, 2), 'p')).toBe('99999999.99');
    expect(toWarehouseValue(7, dec(10, 2), 'p')).toBe('7.00');
    expect(toWarehouseValue(6.1, dec(4, 1), 'p')).toBe('6.1');
  });

  it('rejects a decimal that would lose digits or overflow, as a bad record', () => {
    expect(() => toWarehouseValue('1.234', dec(10, 2), 'p')).toThrow(BadRecordError);
    expect(() => toWarehouseValue('123456789.00', dec(10, 2), 'p')).toThrow(/does not fit decimal\(10,2\)/);
  });

  it('maps integers by range and keeps 64-bit ones as strings', () => {
    expect(toWarehouseValue(5600, { type: 'int' }, 'x')).toBe(5600);
    expect(toWarehouseValue(9007199254740993n, { type: 'bigint' }, 'x')).toBe('9007199254740993');
    expect(() => toWarehouseValue(2 ** 31, { type: 'int' }, 'x')).toThrow(/int range/);
    expect(() => toWarehouseValue('abc', { type: 'int' }, 'x')).toThrow(/not an integer/);
  });

  it('checks text length in characters, not bytes', () => {
    expect(toWarehouseValue('é'.repeat(4), { type: 'text', maxLength: 4 }, 't')).toBe('éééé');
    expect(() => toWarehouseValue('abcde', { type: 'text', maxLength: 4 }, 't')).toThrow(/longer than 4/);
  });

  it('normalises timestamps to microseconds in UTC', () => {
    expect(toWarehouseValue('2020-09-05 17:03:28', { type: 'timestamp' }, 't')).toBe(
      '2020-09-05T17:03:28.000000',
    );
    expect(isoText(eventMicros('2020-09-05T17:03:28.123456', 't'))).toBe('2020-09-05T17:03:28.123456');
  });

  it('requires an event time', () => {
    expect(() => eventMicros(null, 'timestamp')).toThrow(/EVENT_TIME|required/);
  });
});

describe('multiply', () => {
  it('is exact at the edges of DECIMAL(10,2) × INT', () => {
    const amount = dec(20, 2);
    expect(multiply('99999999.99', 5, amount, 'amount')).toBe('499999999.95');
    expect(multiply('0.01', 3, amount, 'amount')).toBe('0.03');
    expect(multiply('-1.10', 2, amount, 'amount')).toBe('-2.20');
    expect(multiply(null, 2, amount, 'amount')).toBeNull();
  });
});
