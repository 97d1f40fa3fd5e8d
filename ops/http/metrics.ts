/**
 * `GET /metrics` in the Prometheus text exposition format, version 0.0.4: a pure function from a lag sample,
 * the sink's counters and the time now to the text. Lag metrics are named after kafka-lag-exporter
 * (`kafka_consumergroup_group_lag`, `kafka_consumergroup_group_lag_seconds`) so its dashboards and alerts work
 * unchanged. A partition whose lag in seconds is unknown (its oldest unconsumed record was not read in time)
 * has no `_lag_seconds` sample rather than a made-up one; a sink that has not committed yet has no
 * `starling_sink_seconds_since_last_commit` sample.
 */
import type { PartitionEpochReport } from '../../sinks/epochs/report.js';
import type { LagSample } from '../lag/lag.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The runner's counters (SinkRunner.stats). */
export interface SinkStats {
  batches: number;
  records: number;
  deadLetters: number;
  /** ms since the epoch of the last offset commit; 0 when none yet */
  lastCommitAt: number;
  /** Seconds spent writing batches (decode to commit), summed, and how many batches that was. */
  batchSecondsSum?: number;
  /** Dead letters by error code. */
  deadLettersByCode?: ReadonlyMap<string, number>;
  /** Per written table: the source commit time (ms) of the newest change applied. */
  newestAppliedMs?: ReadonlyMap<string, number>;
}

export interface SinkMetricsInput {
  group: string;
  stats: SinkStats;
}

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

type Labels = Record<string, string | number>;

function sampleLine(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(String(v))}"`);
  return `${name}{${pairs.join(',')}} ${formatValue(value)}`;
}

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'summary';
  samples: { labels: Labels; value: number }[];
}

export function renderMetrics(
  sample: LagSample | undefined,
  sinks: SinkMetricsInput[],
  now: number,
  /** What source-epoch tracking saw in this process (sinks/epochs/report.ts). */
  epochs: readonly PartitionEpochReport[] = [],
): string {
  const rows = sample?.rows ?? [];
  const families: Family[] = [
    {
      name: 'kafka_consumergroup_group_lag',
      help: 'Group offset lag of a partition: end offset minus committed offset, in messages.',
      type: 'gauge',
      samples: rows.map((r) => ({
        labels: { group: r.group, topic: r.topic, partition: r.partition },
        value: r.lag,
      })),
    },
    {
      name: 'kafka_consumergroup_group_lag_seconds',
      help: 'Group time lag of a partition: age of the oldest unconsumed record, in seconds (read, not interpolated).',
      type: 'gauge',
      samples: rows
        .filter((r) => r.lagSeconds !== null)
        .map((r) => ({
          labels: { group: r.group, topic: r.topic, partition: r.partition },
          value: r.lagSeconds!,
        })),
    },
    {
      name: 'starling_sink_records_total',
      help: 'Records the sink has written and committed.',
      type: 'counter',
      samples: sinks.map((s) => ({ labels: { group: s.group }, value: s.stats.records })),
    },
    {
      name: 'starling_sink_batches_total',
      help: 'Batches the sink has written and committed.',
      type: 'counter',
      samples: sinks.map((s) => ({ labels: { group: s.group }, value: s.stats.batches })),
    },
    {
      name: 'starling_sink_dead_letters_total',
      help: 'Records the sink has sent to its dead-letter topic.',
      type: 'counter',
      samples: sinks.map((s) => ({ labels: { group: s.group }, value: s.stats.deadLetters })),
    },
    {
      name: 'starling_sink_dead_letters_by_code_total',
      help: 'Records the sink has sent to its dead-letter topic, by error code (the reason).',
      type: 'counter',
      samples: sinks.flatMap((s) =>
        [...(s.stats.deadLettersByCode ?? new Map<string, number>())].map(([code, n]) => ({
          labels: { group: s.group, code },
          value: n,
        })),
      ),
    },
    {
      name: 'starling_sink_batch_seconds',
      help: 'Time to write a batch, from its decoding to its offset commit.',
      type: 'summary',
      samples: [],
    },
    {
      name: 'starling_table_freshness_seconds',
      help: 'Age of the newest change applied to a table, from its source commit time (whole seconds for MariaDB).',
      type: 'gauge',
      samples: sinks.flatMap((s) =>
        [...(s.stats.newestAppliedMs ?? new Map<string, number>())].map(([table, ms]) => ({
          labels: { group: s.group, table },
          value: Math.max(0, now - ms) / 1000,
        })),
      ),
    },
    {
      name: 'starling_sink_seconds_since_last_commit',
      help: "Seconds since the sink's last offset commit (absent before the first commit).",
      type: 'gauge',
      samples: sinks
        .filter((s) => s.stats.lastCommitAt > 0)
        .map((s) => ({
          labels: { group: s.group },
          value: Math.max(0, now - s.stats.lastCommitAt) / 1000,
        })),
    },
    {
      name: 'starling_source_epochs_total',
      help: "Source epochs this process detected: the source's binlog coordinates restarted (RESET MASTER, a rebuilt server, a failover, a new snapshot).",
      type: 'counter',
      samples: epochs.map((e) => ({
        labels: { group: e.group, topic: e.topic, partition: e.partition },
        value: e.epochsDetected,
      })),
    },
    {
      name: 'starling_position_guard_alarms_total',
      help: 'Batches whose new records nearly all carried coordinates below those already written (the position guard rejecting everything).',
      type: 'counter',
      samples: epochs.map((e) => ({
        labels: { group: e.group, topic: e.topic, partition: e.partition },
        value: e.guardAlarms,
      })),
    },
  ];
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(sampleLine(f.name, s.labels, s.value));
    // A summary without quantiles: its _sum and _count samples.
    if (f.type === 'summary')
      for (const s of sinks) {
        lines.push(sampleLine(`${f.name}_sum`, { group: s.group }, s.stats.batchSecondsSum ?? 0));
        lines.push(sampleLine(`${f.name}_count`, { group: s.group }, s.stats.batches));
      }
  }
  return `${lines.join('\n')}\n`;
}
