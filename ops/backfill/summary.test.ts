import { describe, expect, it } from 'vitest';
import type { BackfillResult } from './backfill.js';
import { topicLag } from './staging-lag.js';
import { summaryJson, summaryLines } from './summary.js';

const result: BackfillResult = {
  table: 'sales.sales_data',
  topic: 'softcart.sales.sales_data',
  connector: 'starling-mariadb-softcart',
  signal: {
    id: 'a',
    type: 'execute-snapshot',
    data: { 'data-collections': ['sales.sales_data'], type: 'incremental' },
    table: 'sales.debezium_signal',
  },
  expectedRows: 2605,
  rowsRead: 2605,
  elapsedMs: 3200,
  endedBy: 'count',
};

const row = (partition: number, committed: number | null, end: number, lagSeconds: number | null) => ({
  group: 'starling-staging',
  topic: 'softcart.sales.sales_data',
  partition,
  committed,
  start: 0,
  end,
  lag: end - (committed ?? 0),
  oldestUnconsumedMs: null,
  lagSeconds,
  status: 'LAGGING' as const,
});

describe('the backfill summary', () => {
  it('says rows, time, rate and how far staging is behind', () => {
    const lag = topicLag(
      [row(0, 100, 1100, 2.5), row(1, 50, 60, 0.4)],
      'starling-staging',
      'softcart.sales.sales_data',
    );
    expect(lag).toMatchObject({ committed: true, lag: 1010, lagSeconds: 2.5 });
    expect(summaryLines(result, lag)).toEqual([
      'Backfilled sales.sales_data: 2,605 rows read of 2,605 expected, in 3.2 s (814 rows/s), into softcart.sales.sales_data.',
      'Staging (group starling-staging) is 1,010 messages behind on softcart.sales.sales_data (oldest unconsumed 2.5 s old); it holds the whole backfill when that lag is 0 (starling lag --group starling-staging).',
    ]);
    expect(summaryJson(result, lag)).toMatchObject({
      rowsRead: 2605,
      rowsPerSecond: 814,
      staging: { lag: 1010 },
    });
  });

  it('says when staging has caught up, or has never consumed the topic', () => {
    const caughtUp = topicLag([row(0, 1100, 1100, 0)], 'starling-staging', 'softcart.sales.sales_data');
    expect(summaryLines(result, caughtUp)[1]).toContain('has caught up');
    const none = topicLag([], 'starling-staging', 'softcart.sales.sales_data');
    expect(none).toMatchObject({ committed: false, lag: 0 });
    expect(summaryLines(result, none)[1]).toContain('has committed nothing');
  });

  it('explains a snapshot that ended short of the count, and a condition that matched nothing', () => {
    const short = summaryLines({ ...result, rowsRead: 2600, endedBy: 'debezium' }, undefined);
    expect(short[1]).toMatch(/^Debezium ended the snapshot 5 rows short of the count: rows deleted/);
    expect(summaryLines({ ...result, rowsRead: 0, expectedRows: 0, endedBy: 'nothing' }, undefined)).toEqual([
      'Nothing to backfill: no row of sales.sales_data matches, so no snapshot was requested.',
    ]);
  });
});
