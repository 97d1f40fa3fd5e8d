import { describe, expect, it } from 'vitest';
import { compareCoordinates, parseBinlogPosition, withEpoch } from './position.js';

const b = (seq: number, pos: number, row: number, offset: number) =>
  `b:${String(seq).padStart(10, '0')}:${String(pos).padStart(20, '0')}:${String(row).padStart(6, '0')}:${String(offset).padStart(20, '0')}`;

describe('source epochs in positions', () => {
  it('epoch 0 keeps the existing b: format exactly', () => {
    expect(withEpoch(b(3, 400, 1, 9), 0)).toBe(b(3, 400, 1, 9));
  });

  it('every position of a later epoch orders after every position of an earlier one', () => {
    const old = [b(999, 99_999, 99, 5), withEpoch(b(999, 99_999, 99, 5), 1)];
    const later = [withEpoch(b(1, 4, 0, 6), 1), withEpoch(b(1, 4, 0, 7), 2)];
    expect(old[0]! < later[0]!).toBe(true);
    expect(old[1]! < later[1]!).toBe(true);
    expect(withEpoch(b(1, 4, 0, 1), 9) < withEpoch(b(1, 4, 0, 1), 10)).toBe(true);
    // Within one epoch, coordinates still order as before.
    expect(withEpoch(b(1, 4, 0, 1), 3) < withEpoch(b(1, 5, 0, 1), 3)).toBe(true);
  });

  it('parses both forms back to coordinates, epoch and offset', () => {
    expect(parseBinlogPosition(b(2, 300, 4, 17))).toEqual({
      epoch: 0,
      coords: { seq: 2n, pos: 300n, row: 4 },
      offset: '17',
    });
    expect(parseBinlogPosition(withEpoch(b(2, 300, 4, 0), 12))).toEqual({
      epoch: 12,
      coords: { seq: 2n, pos: 300n, row: 4 },
      offset: '0',
    });
    expect(parseBinlogPosition('m:00000000001700000000:000001:00000000000000000001')).toBeUndefined();
  });

  it('refuses epochs out of range and non-binlog positions', () => {
    expect(() => withEpoch(b(1, 1, 0, 1), 1_000_000)).toThrow(/outside/);
    expect(() => withEpoch(b(1, 1, 0, 1), -1)).toThrow(/outside/);
    expect(() => withEpoch('m:1:2:3', 1)).toThrow(/not a binlog position/);
  });

  it('compares coordinates by file, position, row', () => {
    expect(compareCoordinates({ seq: 1n, pos: 900n, row: 9 }, { seq: 2n, pos: 4n, row: 0 })).toBe(-1);
    expect(compareCoordinates({ seq: 2n, pos: 5n, row: 0 }, { seq: 2n, pos: 4n, row: 7 })).toBe(1);
    expect(compareCoordinates({ seq: 2n, pos: 4n, row: 1 }, { seq: 2n, pos: 4n, row: 2 })).toBe(-1);
    expect(compareCoordinates({ seq: 2n, pos: 4n, row: 2 }, { seq: 2n, pos: 4n, row: 2 })).toBe(0);
  });
});
