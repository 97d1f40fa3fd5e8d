import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { parseTarget, planOffsets } from './target.js';

describe('parseTarget', () => {
  it('reads earliest, latest, offsets and ISO times (UTC when no zone is given)', () => {
    const p: string[] = [];
    expect(parseTarget('earliest', p)).toEqual({ kind: 'earliest' });
    expect(parseTarget('latest', p)).toEqual({ kind: 'latest' });
    expect(parseTarget('42', p)).toEqual({ kind: 'offset', offset: 42 });
    expect(parseTarget('2026-11-26T10:00:00Z', p)).toMatchObject({
      kind: 'time',
      ms: Date.UTC(2026, 10, 26, 10),
    });
    expect(parseTarget('2026-11-26 10:00', p)).toMatchObject({
      kind: 'time',
      ms: Date.UTC(2026, 10, 26, 10),
    });
    expect(parseTarget('2026-11-26T12:00:00+02:00', p)).toMatchObject({ ms: Date.UTC(2026, 10, 26, 10) });
    expect(p).toEqual([]);
  });

  it('names a bad or missing target', () => {
    const p: string[] = [];
    expect(parseTarget('yesterday', p)).toBeUndefined();
    expect(parseTarget(undefined, p)).toBeUndefined();
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/"yesterday" is not earliest, latest/);
  });
});

describe('planOffsets', () => {
  const parts = [
    { topic: 't', partition: 0, low: 0, high: 100, offsetForTime: 40, lowTimestampMs: 1000 },
    { topic: 't', partition: 1, low: 10, high: 50, offsetForTime: 50, lowTimestampMs: 5000 },
  ];

  it('moves each partition to its start, end, offset or first record at the time', () => {
    expect(planOffsets({ kind: 'earliest' }, parts).map((p) => p.offset)).toEqual([0, 10]);
    expect(planOffsets({ kind: 'latest' }, parts).map((p) => p.offset)).toEqual([100, 50]);
    expect(planOffsets({ kind: 'offset', offset: 20 }, parts).map((p) => p.offset)).toEqual([20, 20]);
    expect(planOffsets({ kind: 'time', ms: 6000, text: 'x' }, parts).map((p) => p.offset)).toEqual([40, 50]);
  });

  it('refuses history the topic no longer holds, naming every partition', () => {
    expect(() => planOffsets({ kind: 'offset', offset: 5 }, parts)).toThrow(UserError);
    expect(() => planOffsets({ kind: 'offset', offset: 5 }, parts)).toThrow(
      /t\[1\]: offset 5 is below the first offset/,
    );
    expect(() => planOffsets({ kind: 'time', ms: 2000, text: '1970-01-01T00:00:02Z' }, parts)).toThrow(
      /t\[1\]: the oldest record it still holds is from 1970-01-01T00:00:05.000Z/,
    );
  });
});
