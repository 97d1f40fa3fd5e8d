import type { PlanCounts } from './generator.js';
import type { Measure } from './measure.js';
import { type JdbcSetting, settingText } from './run-jdbc.js';

/** One setting of the JDBC sink's sweep: measured, or FAILED with Connect's root cause. */
export interface SweepEntry {
  setting: JdbcSetting;
  measure?: Measure;
  failed?: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

const row = (cells: Array<string | number>, widths: number[]) =>
  cells.map((c, i) => (i <= 1 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');

const W = [16, 64, 9, 10, 8, 11, 9, 16, 9];
const HEAD = [
  'contender',
  'settings',
  'events',
  'final rows',
  'wall s',
  'first row s',
  'rate/s',
  'CPU s (own+pg)',
  'peak RSS',
];

function line(label: string, m: Measure): string {
  if (m.unavailable) return row([label, `UNAVAILABLE: ${m.unavailable}`], W);
  return row(
    [
      label,
      m.settings,
      m.events,
      Number.isNaN(m.finalRows) ? '-' : m.finalRows,
      m.wallS.toFixed(2),
      Number.isNaN(m.firstRowS) ? '-' : m.firstRowS.toFixed(2),
      m.rate,
      Number.isNaN(m.pgCpuS) ? m.cpuS.toFixed(1) : `${m.cpuS.toFixed(1)}+${m.pgCpuS.toFixed(1)}`,
      m.peakRssMb === null || Number.isNaN(m.peakRssMb) ? '-' : `${m.peakRssMb} MB`,
    ],
    W,
  );
}

export interface Verdict {
  round: number;
  text: string;
  equal: boolean;
}

export function printReport(r: {
  counts: PlanCounts;
  topicRecords: number;
  generation: Array<{ topic: string; records: number; seconds: number; mb: number }>;
  selfCheck: { checked: number; identical: number; differences: string[] };
  decodeCheck: { checked: number; problems: string[] };
  sweep: SweepEntry[];
  sweepRecords: number;
  rounds: Array<{ round: number; baselines: Measure[]; runs: Measure[] }>;
  best: Partial<Record<Measure['contender'], Measure>>;
  verdicts: Verdict[];
  file: string;
  totalS: number;
}): void {
  const c = r.counts;
  say('');
  say(
    `Sink throughput: one topic of ${r.topicRecords} records (${c.inserts} inserts, ${c.updates} updates, ${c.deletes} deletes + ${c.deletes} tombstones, 2 sentinel events), final table ${c.finalRows} rows`,
  );
  for (const g of r.generation)
    say(
      `  generated ${g.topic}: ${g.records} records, ${g.mb.toFixed(1)} MB, in ${g.seconds.toFixed(1)} s (${Math.round(g.records / g.seconds)}/s)`,
    );
  say(
    `  self-check: ${r.selfCheck.identical} of ${r.selfCheck.checked} records Debezium wrote rebuilt byte-identical by the generator${r.selfCheck.differences.length ? ` (DIFFERENT: ${r.selfCheck.differences.join('; ')})` : ''}`,
  );
  say(
    `  decode check: ${r.decodeCheck.checked} generated records decoded and mapped by Starling's codec and envelope mapper${r.decodeCheck.problems.length ? `, PROBLEMS: ${r.decodeCheck.problems.join('; ')}` : ', all as planned'}`,
  );
  if (r.sweep.length) {
    say('');
    say(
      `Debezium JDBC sink sweep on ${r.sweepRecords} records (insert.mode=upsert, delete.enabled=true, primary.key.mode=record_key, schema.evolution=basic; consumer.override.max.poll.records = batch.size, max.partition.fetch.bytes = max(1 MiB, batch.size KiB))`,
    );
    say(row(HEAD, W));
    for (const e of r.sweep)
      say(
        e.measure
          ? line('jdbc sweep', e.measure)
          : row(['jdbc sweep', settingText(e.setting), `FAILED: ${e.failed}`], W),
      );
    const measured = r.sweep.flatMap((e) => (e.measure ? [e.measure] : []));
    const off = measured.filter((m) => m.extra.matchesGenerator !== true);
    say(
      off.length
        ? `sweep tables DIFFERENT from the generator's final state: ${off.map((m) => m.settings).join('; ')}`
        : `every completed sweep run left the generator's final state (${measured[0]?.finalRows} rows)`,
    );
  }
  say('');
  say(`Full size: ${r.topicRecords} records`);
  say(row(HEAD, W));
  for (const rd of r.rounds)
    for (const m of [...rd.baselines, ...rd.runs]) say(line(`${label(m)} r${rd.round}`, m));
  for (const m of Object.values(r.best)) if (m && r.rounds.length > 1) say(line(`${label(m)} best`, m));
  const a = r.best.staging;
  const b = r.best.jdbc;
  const cp = r.best.copy;
  say('');
  say(
    'rate/s: Kafka records per second for the sinks (from process start / connector creation to the sentinel visible), rows per second for COPY',
  );
  say(
    'CPU s: own = the sink process (staging), the whole Connect worker JVM (JDBC, idle source connectors included), the bench process (COPY); pg = every PostgreSQL process',
  );
  const baselines = r.rounds.flatMap((rd) => rd.baselines);
  if (baselines.length) sayBaselines(r.best, baselines.find((m) => m.unavailable)?.unavailable);
  if (a && b)
    say(
      `a/b (staging over JDBC): events/s ${(a.rate / b.rate).toFixed(2)}; time to final state: staging ${a.wallS.toFixed(1)} s vs JDBC ${b.wallS.toFixed(1)} s (JDBC takes ${(b.wallS / a.wallS).toFixed(2)}x staging's time)`,
    );
  if (a && cp)
    say(
      `a/c (staging events/s over COPY rows/s): ${(a.rate / cp.rate).toFixed(3)}; time to final state: staging ${a.wallS.toFixed(1)} s vs COPY ${cp.wallS.toFixed(2)} s (staging takes ${(a.wallS / cp.wallS).toFixed(1)}x COPY's time)`,
    );
  for (const v of r.verdicts) say(`verify round ${v.round}: ${v.text}`);
  const first = r.rounds[0]?.runs ?? [];
  const columns = Object.keys(first[0]?.digest?.types ?? {});
  const differing = columns.filter((c) => new Set(first.map((m) => m.digest?.types[c])).size > 1);
  say(
    differing.length
      ? `column types that differ (compared after normalizing): ${differing
          .map((c) => `${c}: ${first.map((m) => `${m.contender} ${m.digest?.types[c]}`).join(', ')}`)
          .join('; ')}`
      : `column types: the same in every table (${columns.map((c) => `${c} ${first[0]?.digest?.types[c]}`).join(', ')})`,
  );
  say(`whole run: ${r.totalS.toFixed(0)} s; results: ${r.file}`);
}

const LABELS: Record<Measure['contender'], string> = {
  staging: '(a) staging',
  jdbc: '(b) jdbc',
  copy: '(c) COPY',
  'raw-kafkajs': 'raw kafkajs',
  'raw-java': 'raw Java',
};

function label(m: Measure): string {
  return LABELS[m.contender];
}

/** The raw-consume baselines' legend and their ratios (best runs of this benchmark run). */
function sayBaselines(best: Partial<Record<Measure['contender'], Measure>>, why?: string): void {
  const a = best.staging;
  const rk = best['raw-kafkajs'];
  const rj = best['raw-java'];
  say(
    "raw: no decoding, no database; rate/s from the client's own start (connect, group join) to the topic's last record, wall s the same (process start-up excluded); first row s = first batch; CPU s and peak RSS: its own process, start-up included",
  );
  if (a && rk)
    say(
      `staging / raw kafkajs: events/s ${(a.rate / rk.rate).toFixed(3)} (the staging sink reaches ${((100 * a.rate) / rk.rate).toFixed(0)}% of what a bare kafkajs consumer reads of this topic; CPU s ${a.cpuS.toFixed(1)} vs ${rk.cpuS.toFixed(1)})`,
    );
  if (rk && rj)
    say(
      `raw kafkajs / raw Java: events/s ${(rk.rate / rj.rate).toFixed(3)} (kafkajs reads this topic at ${((100 * rk.rate) / rj.rate).toFixed(0)}% of the Java consumer's rate; CPU s ${rk.cpuS.toFixed(1)} vs ${rj.cpuS.toFixed(1)}, peak RSS ${rk.peakRssMb} vs ${rj.peakRssMb} MB; group join excluded: ${rk.extra.fetchRate} vs ${rj.extra.fetchRate} events/s after ${rk.extra.joinS} vs ${rj.extra.joinS} s to join)`,
    );
  else if (rk && why) say(`raw kafkajs / raw Java: not measured (raw Java unavailable: ${why})`);
}
