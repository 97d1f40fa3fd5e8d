import { describe, expect, it } from 'vitest';
import { microsToTimestamp } from './avro-columns.js';

/** The definition, in exact integer arithmetic only. */
function reference(us: bigint): string {
  const sec = us >= 0n ? us / 1_000_000n : -((-us + 999_999n) / 1_000_000n);
  const frac = us - sec * 1_000_000n;
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac.toString().padStart(6, '0')}`;
}

describe('microsToTimestamp', () => {
  it('formats microseconds exactly, before and after the epoch, at second boundaries', () => {
    const cases = [
      0n,
      1n,
      -1n,
      999_999n,
      1_000_000n,
      -1_000_000n,
      -1_000_001n,
      1_700_000_000_999_999n,
      1_700_000_001_000_000n,
      -62_135_596_800_000_000n, // 0001-01-01
      253_402_300_799_999_999n, // 9999-12-31 23:59:59.999999
    ];
    for (const us of cases) expect(microsToTimestamp(us)).toBe(reference(us));
    expect(microsToTimestamp(1_700_000_000_123_456n)).toBe('2023-11-14T22:13:20.123456');
  });

  it('agrees with the exact definition on many values, consecutive ones sharing seconds among them', () => {
    let x = 123_456_789n;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 6_364_136_223_846_793_005n + 1_442_695_040_888_963_407n) % 2n ** 64n;
      const us = (x % 500_000_000_000_000_000n) - 250_000_000_000_000_000n;
      expect(microsToTimestamp(us)).toBe(reference(us));
      expect(microsToTimestamp(us + 1n)).toBe(reference(us + 1n));
    }
  });
});
