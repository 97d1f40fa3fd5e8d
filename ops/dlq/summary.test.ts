import { describe, expect, it } from 'vitest';
import type { DeadLetter } from './letter.js';
import { LetterSummary } from './summary.js';

let offset = 0;
const letter = (
  code: string,
  sourceTopic: string | null,
  timestampMs: number,
  more: Partial<DeadLetter> = {},
): DeadLetter => ({
  dlqTopic: 'dlq.g',
  dlqPartition: 0,
  dlqOffset: offset++,
  timestampMs,
  sourceTopic,
  sourcePartition: 0,
  sourceOffset: '1',
  stage: 'write',
  code,
  message: `${code} at ${timestampMs}`,
  key: null,
  value: null,
  headers: {},
  truncated: false,
  ...more,
});

describe('LetterSummary', () => {
  it('groups by code and source topic with counts, first/last time, replayed and the latest example', () => {
    offset = 0;
    const s = new LetterSummary();
    s.add(letter('23514', 'a.db.t', 3000), true);
    s.add(letter('23514', 'a.db.t', 1000), false);
    s.add(letter('NOT_AVRO', 'a.db.t', 2000, { stage: 'decode' }), false);
    s.add(letter('23514', 'a.db.t', 5000), true);
    s.add(letter('23514', 'a.db.u', 4000, { stage: 'schema' }), false);
    s.add(letter('UNKNOWN', null, 6000, { stage: null }), false);
    expect(s.total).toBe(6);
    expect(s.replayed).toBe(2);
    expect(s.result()).toEqual([
      {
        code: 'UNKNOWN',
        sourceTopic: null,
        count: 1,
        replayed: 0,
        stages: [],
        firstMs: 6000,
        lastMs: 6000,
        latest: { dlqPartition: 0, dlqOffset: 5, stage: null, message: 'UNKNOWN at 6000' },
      },
      {
        code: '23514',
        sourceTopic: 'a.db.t',
        count: 3,
        replayed: 2,
        stages: ['write'],
        firstMs: 1000,
        lastMs: 5000,
        latest: { dlqPartition: 0, dlqOffset: 3, stage: 'write', message: '23514 at 5000' },
      },
      {
        code: 'NOT_AVRO',
        sourceTopic: 'a.db.t',
        count: 1,
        replayed: 0,
        stages: ['decode'],
        firstMs: 2000,
        lastMs: 2000,
        latest: { dlqPartition: 0, dlqOffset: 2, stage: 'decode', message: 'NOT_AVRO at 2000' },
      },
      {
        code: '23514',
        sourceTopic: 'a.db.u',
        count: 1,
        replayed: 0,
        stages: ['schema'],
        firstMs: 4000,
        lastMs: 4000,
        latest: { dlqPartition: 0, dlqOffset: 4, stage: 'schema', message: '23514 at 4000' },
      },
    ]);
  });

  it('takes the later offset as the latest when times are equal, and collects every stage', () => {
    offset = 10;
    const s = new LetterSummary();
    s.add(letter('X', 't', 1000, { stage: 'write' }), false);
    s.add(letter('X', 't', 1000, { stage: 'map' }), false);
    const [g] = s.result();
    expect(g!.latest.dlqOffset).toBe(11);
    expect(g!.stages).toEqual(['map', 'write']);
  });
});
