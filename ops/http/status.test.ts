import { describe, expect, it } from 'vitest';
import type { LagSample, PartitionLag } from '../lag/lag.js';
import { assembleStatus, historyPoint, scrubStrings } from './status.js';

const row = (over: Partial<PartitionLag>): PartitionLag => ({
  group: 'g',
  topic: 't',
  partition: 0,
  committed: 3,
  start: 0,
  end: 6,
  lag: 3,
  oldestUnconsumedMs: 1_000,
  lagSeconds: 9,
  status: 'LAGGING',
  ...over,
});

const sample: LagSample = {
  at: 9_000,
  groups: [{ group: 'g', state: 'Stable', members: 1 }],
  rows: [row({}), row({ partition: 1, lag: 4 }), row({ group: 'h', lag: 2 })],
};

describe('historyPoint', () => {
  it('sums each group over its topics and partitions; a named group without rows is 0', () => {
    expect(historyPoint(sample, ['g', 'idle'])).toEqual({ at: 9_000, lag: { g: 7, idle: 0, h: 2 } });
  });
});

describe('assembleStatus', () => {
  it('carries the lag rows as measured, the stages with rates, and the health report', () => {
    const status = assembleStatus({
      at: 10_000,
      lag: sample,
      groups: ['g', 'w'],
      history: [{ at: 9_000, lag: { g: 7, w: 0 } }],
      sinks: [
        {
          group: 'g',
          stats: {
            batches: 2,
            records: 40,
            deadLetters: 3,
            lastCommitAt: 7_500,
            batchSecondsSum: 0.25,
            deadLettersByCode: new Map([
              ['VALUE_INVALID', 1],
              ['AVRO_DECODE', 2],
            ]),
            newestAppliedMs: new Map([['t1', 8_000]]),
          },
        },
        { group: 'w', stats: { batches: 0, records: 0, deadLetters: 0, lastCommitAt: 0 } },
      ],
      rates: new Map([['g', 12.5]]),
      health: {
        value: { status: 'ok', components: [{ name: 'kafka', state: 'UP' }] },
        at: 8_000,
      },
    });
    expect(status.at).toBe(10_000);
    expect(status.lag).toEqual(sample.rows);
    expect(status.lagAt).toBe(9_000);
    expect(status.lagError).toBeUndefined();
    // a group the coordinator did not describe still has a line
    expect(status.groups).toEqual([
      { group: 'g', state: 'Stable', members: 1 },
      { group: 'w', state: 'Unknown', members: 0 },
    ]);
    expect(status.history).toEqual([{ at: 9_000, lag: { g: 7, w: 0 } }]);
    expect(status.stages).toEqual([
      {
        group: 'g',
        stats: {
          batches: 2,
          records: 40,
          deadLetters: 3,
          lastCommitAt: 7_500,
          batchSecondsSum: 0.25,
          deadLettersByCode: { AVRO_DECODE: 2, VALUE_INVALID: 1 },
          newestAppliedMs: { t1: 8_000 },
        },
        recordsPerSecond: 12.5,
        secondsSinceLastCommit: 2.5,
      },
      {
        group: 'w',
        stats: {
          batches: 0,
          records: 0,
          deadLetters: 0,
          lastCommitAt: 0,
          batchSecondsSum: 0,
          deadLettersByCode: {},
          newestAppliedMs: {},
        },
        recordsPerSecond: null,
        secondsSinceLastCommit: null,
      },
    ]);
    expect(status.health).toEqual({ status: 'ok', components: [{ name: 'kafka', state: 'UP' }] });
    expect(status.healthAt).toBe(8_000);
    // JSON-safe: what the endpoint sends is what was assembled
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });

  it('reports a failed lag measurement and missing health without dropping the rest', () => {
    const status = assembleStatus({
      at: 1,
      lagError: 'Connection error: ECONNREFUSED',
      groups: ['g'],
      history: [],
      sinks: [],
      rates: new Map(),
      healthError: 'no answer',
    });
    expect(status.lag).toEqual([]);
    expect(status.lagAt).toBeNull();
    expect(status.lagError).toBe('Connection error: ECONNREFUSED');
    expect(status.groups).toEqual([{ group: 'g', state: 'Unknown', members: 0 }]);
    expect(status.health).toBeNull();
    expect(status.healthAt).toBeNull();
    expect(status.healthError).toBe('no answer');
  });

  it('masks secrets and passwords in URLs in every string', () => {
    const status = assembleStatus({
      at: 1,
      lagError: 'cannot reach postgres://starling:hunter22@db:5432/x',
      groups: [],
      history: [],
      sinks: [],
      rates: new Map(),
      health: {
        value: {
          status: 'degraded',
          components: [{ name: 'mariadb', state: 'DOWN', detail: "Access denied (password 'sekr1t-pw')" }],
        },
        at: 1,
        error: 'sekr1t-pw again',
      },
      secrets: ['sekr1t-pw'],
    });
    const text = JSON.stringify(status);
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('sekr1t-pw');
    expect(status.lagError).toBe('cannot reach postgres://starling:***@db:5432/x');
    expect(status.health?.components[0]?.detail).toBe("Access denied (password '***')");
    expect(status.healthError).toBe('*** again');
  });
});

describe('scrubStrings', () => {
  it('walks arrays, objects and keys, and leaves other values alone', () => {
    expect(scrubStrings({ a: ['xpwdx', 1, null, true], b: { k: 'pwd' } }, ['pwd'])).toEqual({
      a: ['x***x', 1, null, true],
      b: { k: '***' },
    });
    expect(scrubStrings({ secret1: 'secret1' }, ['secret1'])).toEqual({ '***': '***' });
  });
});
