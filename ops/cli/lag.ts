import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { type LagSample, measureLag, type PartitionLag } from '../lag/lag.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

interface LagCliOptions {
  group?: string[];
  watch?: boolean;
  json?: boolean;
  maxLag?: string;
  maxLagSeconds?: string;
  window: string;
}

export interface LagSettings {
  groups?: string[];
  json: boolean;
  maxLag?: number;
  maxLagSeconds?: number;
  windowS: number;
}

/** The options as numbers, with every problem reported in one message. */
export function parseLagArgs(o: LagCliOptions): LagSettings {
  const problems: string[] = [];
  const number = (name: string, text: string | undefined, integer: boolean): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    const ok = text.trim() !== '' && Number.isFinite(n) && n >= 0 && (!integer || Number.isSafeInteger(n));
    if (!ok) problems.push(`${name} "${text}" is not a${integer ? ' whole' : ''} number of at least 0`);
    return n;
  };
  const maxLag = number('--max-lag', o.maxLag, true);
  const maxLagSeconds = number('--max-lag-seconds', o.maxLagSeconds, false);
  const windowS = number('--window', o.window, false) ?? 5;
  const groups = o.group ?? [];
  for (const g of groups) if (g.trim() === '') problems.push('--group needs a group name');
  if (problems.length > 0)
    throw new UserError(
      problems.length === 1
        ? problems[0]!
        : `the lag options have ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'LAG_OPTIONS',
    );
  return {
    groups: groups.length > 0 ? groups : undefined,
    json: o.json === true,
    maxLag,
    maxLagSeconds,
    windowS,
  };
}

/** One line per partition over a threshold. */
export function breaches(rows: PartitionLag[], s: LagSettings): string[] {
  const lines: string[] = [];
  for (const r of rows) {
    const where = `${r.group} ${r.topic}[${r.partition}]`;
    if (s.maxLag !== undefined && r.lag > s.maxLag)
      lines.push(`${where}: lag ${r.lag} messages > --max-lag ${s.maxLag}`);
    if (s.maxLagSeconds !== undefined && r.lagSeconds !== null && r.lagSeconds > s.maxLagSeconds)
      lines.push(`${where}: lag ${r.lagSeconds} s > --max-lag-seconds ${s.maxLagSeconds}`);
  }
  return lines;
}

export function formatTable(rows: PartitionLag[]): string[] {
  const header = ['group', 'topic', 'partition', 'committed', 'end', 'lag', 'lag_s', 'status'];
  const cells = rows.map((r) => [
    r.group,
    r.topic,
    String(r.partition),
    r.committed === null ? '-' : String(r.committed),
    String(r.end),
    String(r.lag),
    r.lagSeconds === null ? '?' : r.lagSeconds.toFixed(1),
    r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (c: string[]) =>
    c
      .map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)];
}

export function lagCommands(program: Command): void {
  program
    .command('lag')
    .description('consumer lag per group, topic and partition, in messages and in seconds, with a status')
    .option(
      '--group <g>',
      'only this consumer group (repeatable; default: every group on the cluster)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--json', 'print the sample as JSON')
    .option('--watch', 'sample again every --window seconds until Ctrl-C')
    .option('--max-lag <n>', 'exit 1 when any partition lags more than n messages')
    .option('--max-lag-seconds <s>', 'exit 1 when any oldest unconsumed record is more than s seconds old')
    .option(
      '--window <s>',
      'seconds between the two samples of committed offsets the status is judged on; 0 takes one sample',
      '5',
    )
    .addHelpText(
      'after',
      `
Lag in messages is end offset - committed offset (a partition without a commit counts from the earliest
retained offset). Lag in seconds is the age of the oldest unconsumed record, read from the topic: the
record at the committed offset ('?' when it could not be read in time; 0 when the lag is 0).

The status follows Burrow's rules, simplified to two samples taken --window seconds apart:
  OK       lag is 0; or the group was caught up at the start of the window; or commits advanced during
           the window and the lag in seconds did not grow
  LAGGING  lag > 0 and commits advanced, but the lag in seconds grew (the consumer falls behind)
  STALLED  lag > 0 and the committed offset did not move during the window (stopped or stuck)
With --window 0 only one sample is taken: any lag > 0 is LAGGING, never STALLED.

Exit code 1 when --max-lag or --max-lag-seconds is exceeded by any partition (each is named on stderr),
0 otherwise, 2 for bad options.`,
    )
    .action((o: LagCliOptions) =>
      runCommand(async () => {
        const s = parseLagArgs(o);
        const kafka = createKafka(kafkaOptionsFrom(loadConfig()));
        let sample: LagSample = await measureLag(kafka, { groups: s.groups });
        if (s.windowS > 0) {
          await new Promise((r) => setTimeout(r, s.windowS * 1000));
          sample = await measureLag(kafka, { groups: s.groups, previous: sample });
        }
        const unknown = (s.groups ?? []).filter((g) =>
          sample.groups.some(
            (d) => d.group === g && d.state === 'Dead' && !sample.rows.some((r) => r.group === g),
          ),
        );
        if (unknown.length > 0)
          throw new UserError(
            `no consumer group ${unknown.map((g) => `"${g}"`).join(', ')} on the cluster (it has no members and no committed offsets)`,
            'LAG_GROUP_UNKNOWN',
          );
        const print = (x: LagSample): string[] => {
          const over = breaches(x.rows, s);
          if (s.json) {
            const { groups, rows } = x;
            const at = new Date(x.at).toISOString();
            out(JSON.stringify({ at, windowS: s.windowS, groups, rows, breaches: over }, null, 2));
          } else if (x.rows.length === 0) {
            out('No committed offsets: no consumer group to report.');
          } else {
            if (o.watch) out(`-- ${new Date(x.at).toISOString()}`);
            for (const l of formatTable(x.rows)) out(l);
          }
          for (const l of over) err(`threshold exceeded: ${l}`);
          return over;
        };
        let over = print(sample);
        if (!o.watch) return over.length > 0 ? 1 : 0;
        // --watch: a sample every --window seconds (each judged against the one before) until Ctrl-C; the exit
        // code then says whether the last sample was over a threshold.
        let stop = false;
        process.once('SIGINT', () => {
          stop = true;
        });
        while (!stop) {
          await new Promise((r) => setTimeout(r, Math.max(1, s.windowS) * 1000));
          if (stop) break;
          sample = await measureLag(kafka, { groups: s.groups, previous: sample });
          over = print(sample);
        }
        return over.length > 0 ? 1 : 0;
      }),
    );
}
