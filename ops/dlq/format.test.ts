import { describe, expect, it } from 'vitest';
import { formatListing, formatReplay, formatShow, oneLine, table } from './format.js';
import type { ReplayResult } from './replay.js';
import type { ShowResult } from './show.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);
const sel = { codes: ['23514'], topics: [] };

describe('dlq text output', () => {
  it('folds and cuts messages; aligns tables', () => {
    expect(oneLine('a\n  b', 10)).toBe('a b');
    expect(oneLine('abcdefghijk', 5)).toBe('abcd…');
    expect(
      table(
        ['a', 'n'],
        [
          ['xx', '1'],
          ['y', '100'],
        ],
        new Set([1]),
      ),
    ).toEqual(['a     n', 'xx    1', 'y   100']);
  });

  it('lists each group, by code and source topic', () => {
    const lines = formatListing([
      {
        group: 'g',
        topic: 'dlq.g',
        total: 3,
        replayed: 2,
        letters: [
          {
            code: '23514',
            sourceTopic: 'p.db.t',
            count: 2,
            replayed: 2,
            stages: ['write'],
            firstMs: T0,
            lastMs: T0 + 1000,
            latest: { dlqPartition: 0, dlqOffset: 2, stage: 'write', message: 'value for domain\nviolates' },
          },
          {
            code: 'NOT_AVRO',
            sourceTopic: 'p.db.t',
            count: 1,
            replayed: 0,
            stages: ['decode'],
            firstMs: T0,
            lastMs: T0,
            latest: { dlqPartition: 0, dlqOffset: 0, stage: 'decode', message: 'not Avro' },
          },
        ],
      },
      { group: 'h', topic: 'dlq.h', total: 0, replayed: 0, letters: [] },
    ]);
    expect(lines).toEqual([
      'dlq.g (group g): 3 dead letters, 2 replayed',
      '  code      source topic  stage   count  replayed  first                     last                      latest (dlq offset: message)',
      '  23514     p.db.t        write       2         2  2025-01-02T03:04:05.000Z  2025-01-02T03:04:06.000Z  2: value for domain violates',
      '  NOT_AVRO  p.db.t        decode      1         0  2025-01-02T03:04:05.000Z  2025-01-02T03:04:05.000Z  0: not Avro',
      '',
      'dlq.h (group h): no dead letters',
    ]);
    expect(formatListing([])).toEqual(['No dead-letter topics (dlq.<group>) on the cluster.']);
  });

  it('shows each dead letter with its previews, and says how many were left out', () => {
    const r: ShowResult = {
      group: 'g',
      topic: 'dlq.g',
      matched: 3,
      letters: [
        {
          dlqPartition: 0,
          dlqOffset: 1,
          time: new Date(T0).toISOString(),
          sourceTopic: 'p.db.t',
          sourcePartition: 0,
          sourceOffset: '12',
          stage: 'write',
          code: '23514',
          message: 'value for domain violates check constraint',
          replayed: true,
          key: { kind: 'avro', schemaId: 3, json: '{"id":2}', truncated: false, value: { id: 2 } },
          value: { kind: 'null' },
        },
      ],
    };
    expect(formatShow(r, sel)).toEqual([
      'dlq.g: 3 dead letters match (code 23514); the first 1 shown',
      '',
      'dlq offset 1  2025-01-02T03:04:05.000Z  (replayed)',
      '  source   p.db.t[0] offset 12',
      '  stage    write',
      '  code     23514',
      '  message  value for domain violates check constraint',
      '  key      {"id":2}  (Avro, schema 3)',
      '  value    null',
      '',
      '2 more not shown: raise --limit, or narrow with --code / --topic.',
    ]);
    expect(formatShow({ ...r, matched: 0, letters: [] }, sel)).toEqual([
      'dlq.g: no dead letter matches (code 23514).',
    ]);
  });

  const replay = (over: Partial<ReplayResult>): ReplayResult => ({
    group: 'g',
    topic: 'dlq.g',
    replayGroup: 'g-dlq-replay',
    dryRun: false,
    sent: 0,
    letters: [],
    bySource: [],
    alreadyReplayed: 0,
    notReplayed: 0,
    skipped: [],
    ...over,
  });
  const sent = {
    dlqPartition: 0,
    dlqOffset: 1,
    code: '23514',
    sourceTopic: 'p.db.t',
    sourcePartition: 0,
    sourceOffset: '12',
    sentOffset: '40',
  };

  it('prints what a replay sent, what it passed over and what it could not send', () => {
    expect(
      formatReplay(
        replay({
          sent: 1,
          letters: [sent],
          bySource: [{ sourceTopic: 'p.db.t', code: '23514', count: 1 }],
          alreadyReplayed: 2,
          notReplayed: 1,
          skipped: [
            {
              dlqPartition: 0,
              dlqOffset: 5,
              code: '23514',
              sourceTopic: 'gone',
              reason: 'its source topic gone does not exist',
            },
          ],
        }),
        sel,
      ),
    ).toEqual([
      'Replayed 1 dead letter from dlq.g (code 23514) to their source topics; consumer group g-dlq-replay remembers them.',
      '  dlq offset  code   sent to    original offset  new offset',
      '           1  23514  p.db.t[0]               12          40',
      '2 more selected dead letters were replayed before and not sent again.',
      '1 selected dead letter could not be replayed:',
      '  dlq offset 5 (23514): its source topic gone does not exist',
    ]);
  });

  it('prints a dry run, a replay with nothing left, and a long replay by source', () => {
    expect(
      formatReplay(replay({ dryRun: true, sent: 1, letters: [{ ...sent, sentOffset: null }] }), sel),
    ).toEqual([
      'Dry run: would replay 1 dead letter from dlq.g (code 23514) to their source topics; nothing was sent.',
      '  dlq offset  code   to         original offset',
      '           1  23514  p.db.t[0]               12',
    ]);
    expect(formatReplay(replay({ alreadyReplayed: 2 }), sel)).toEqual([
      'Nothing to replay from dlq.g (code 23514): 2 selected dead letters were replayed before.',
    ]);
    expect(formatReplay(replay({}), { codes: [], topics: [] })).toEqual([
      'Nothing to replay from dlq.g (every dead letter): no dead letter matches.',
    ]);
    const long = formatReplay(
      replay({
        sent: 250,
        letters: [sent],
        bySource: [{ sourceTopic: 'p.db.t', code: '23514', count: 250 }],
      }),
      sel,
    );
    expect(long.slice(-2)).toEqual(['  … and 249 more; by source topic and code:', '    p.db.t  23514: 250']);
  });
});
