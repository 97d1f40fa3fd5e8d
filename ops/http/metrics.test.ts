import { describe, expect, it } from 'vitest';
import type { LagSample, PartitionLag } from '../lag/lag.js';
import { escapeLabelValue, renderMetrics } from './metrics.js';

const row = (over: Partial<PartitionLag>): PartitionLag => ({
  group: 'g',
  topic: 't',
  partition: 0,
  committed: 3,
  start: 0,
  end: 6,
  lag: 3,
  oldestUnconsumedMs: 1_000,
  lagSeconds: 9.5,
  status: 'LAGGING',
  ...over,
});

const sample = (rows: PartitionLag[]): LagSample => ({ at: 10_000, groups: [], rows });

describe('renderMetrics', () => {
  it('renders batch latency as a summary, dead letters by code, and per-table freshness', () => {
    const text = renderMetrics(
      sample([]),
      [
        {
          group: 'wh',
          stats: {
            batches: 4,
            records: 9,
            deadLetters: 3,
            lastCommitAt: 9_000,
            batchSecondsSum: 0.5,
            deadLettersByCode: new Map([
              ['VALUE_INVALID', 2],
              ['AVRO_DECODE', 1],
            ]),
            newestAppliedMs: new Map([['FactSales', 7_500]]),
          },
        },
      ],
      10_000,
    );
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain('# TYPE starling_sink_batch_seconds summary');
    expect(lines).toContain('starling_sink_batch_seconds_sum{group="wh"} 0.5');
    expect(lines).toContain('starling_sink_batch_seconds_count{group="wh"} 4');
    expect(lines).toContain('starling_sink_dead_letters_by_code_total{group="wh",code="VALUE_INVALID"} 2');
    expect(lines).toContain('starling_sink_dead_letters_by_code_total{group="wh",code="AVRO_DECODE"} 1');
    expect(lines).toContain('starling_table_freshness_seconds{group="wh",table="FactSales"} 2.5');
  });

  it('renders every family with HELP and TYPE, lag by group, topic and partition, and sink counters', () => {
    const text = renderMetrics(
      sample([row({}), row({ partition: 1, lag: 0, lagSeconds: 0, committed: 6 })]),
      [{ group: 'sink', stats: { batches: 2, records: 40, deadLetters: 1, lastCommitAt: 7_500 } }],
      10_000,
    );
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    for (const name of [
      'kafka_consumergroup_group_lag',
      'kafka_consumergroup_group_lag_seconds',
      'starling_sink_records_total',
      'starling_sink_batches_total',
      'starling_sink_dead_letters_total',
      'starling_sink_seconds_since_last_commit',
    ]) {
      expect(lines).toContain(`# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`);
      expect(lines.some((l) => l.startsWith(`# HELP ${name} `))).toBe(true);
    }
    expect(lines).toContain('kafka_consumergroup_group_lag{group="g",topic="t",partition="0"} 3');
    expect(lines).toContain('kafka_consumergroup_group_lag{group="g",topic="t",partition="1"} 0');
    expect(lines).toContain('kafka_consumergroup_group_lag_seconds{group="g",topic="t",partition="0"} 9.5');
    expect(lines).toContain('kafka_consumergroup_group_lag_seconds{group="g",topic="t",partition="1"} 0');
    expect(lines).toContain('starling_sink_records_total{group="sink"} 40');
    expect(lines).toContain('starling_sink_batches_total{group="sink"} 2');
    expect(lines).toContain('starling_sink_dead_letters_total{group="sink"} 1');
    expect(lines).toContain('starling_sink_seconds_since_last_commit{group="sink"} 2.5');
  });

  it('omits lag seconds when unknown, and time since the last commit before the first commit', () => {
    const text = renderMetrics(
      sample([row({ lagSeconds: null, oldestUnconsumedMs: null })]),
      [{ group: 'sink', stats: { batches: 0, records: 0, deadLetters: 0, lastCommitAt: 0 } }],
      10_000,
    );
    expect(text).toContain('kafka_consumergroup_group_lag{group="g",topic="t",partition="0"} 3\n');
    expect(text).not.toMatch(/^kafka_consumergroup_group_lag_seconds\{/m);
    expect(text).not.toMatch(/^starling_sink_seconds_since_last_commit\{/m);
    expect(text).toContain('starling_sink_records_total{group="sink"} 0\n');
  });

  it('escapes backslash, double quote and newline in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const text = renderMetrics(
      sample([row({ group: 'we"ird\\gr\noup', topic: 'plain' })]),
      [{ group: 'x"y', stats: { batches: 1, records: 1, deadLetters: 0, lastCommitAt: 10_000 } }],
      10_000,
    );
    expect(text).toContain(
      'kafka_consumergroup_group_lag{group="we\\"ird\\\\gr\\noup",topic="plain",partition="0"} 3\n',
    );
    expect(text).toContain('starling_sink_records_total{group="x\\"y"} 1\n');
    // every sample is on one line: the newline in the group name did not split it
    for (const l of text.trimEnd().split('\n')) expect(l).toMatch(/^(# (HELP|TYPE) \S+ .+|\S+\{.*\} \S+)$/);
  });

  it('renders the families with no samples when there is no sample yet', () => {
    const text = renderMetrics(undefined, [], 0);
    expect(text).toContain('# TYPE kafka_consumergroup_group_lag gauge\n');
    expect(text).not.toMatch(/^[a-z_]+\{/m);
  });
});
