import { describe, expect, it } from 'vitest';
import { copyChunks, copyField } from './copy-text.js';

describe('COPY text format', () => {
  it('writes NULL as \\N and escapes the characters that end a field or a row', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField('Self Help')).toBe('Self Help');
    expect(copyField('\\N')).toBe('\\\\N'); // the text "\N" is not NULL
    expect(copyField(4993)).toBe('4993');
  });

  it('refuses numbers that are not finite', () => {
    expect(() => copyField(Number.NaN)).toThrow(RangeError);
    expect(() => copyField(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('splits rows into chunks of whole lines', () => {
    const rows = [
      [1, 'a'],
      [2, null],
      [3, 'c'],
    ];
    expect(copyChunks(rows, 2)).toEqual(['1\ta\n2\t\\N\n', '3\tc\n']);
    expect(copyChunks([], 2)).toEqual([]);
  });
});
