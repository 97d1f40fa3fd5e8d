import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { loadModel } from '../../schemas/model/load.js';
import {
  DEFAULT_SEGMENT_ROWS,
  optionProblems,
  optionsError,
  type ReconcileOptions,
  reconcile,
} from '../reconcile/reconcile.js';
import { formatReport } from '../reconcile/report.js';
import { runCommand } from './run-command.js';

interface ReconcileCliOptions {
  table?: string[];
  json?: boolean;
  segmentRows?: string;
}

/** The options, with every problem reported in one message. */
export function parseReconcileArgs(o: ReconcileCliOptions): ReconcileOptions & { json: boolean } {
  const text = o.segmentRows;
  const segmentRows = text === undefined ? undefined : /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  const options: ReconcileOptions = { tables: o.table, segmentRows };
  const problems = optionProblems(options).map((p) =>
    p.startsWith('--segment-rows') ? `--segment-rows "${text}" is not a whole number of at least 1` : p,
  );
  if (problems.length > 0) throw optionsError(problems);
  return { ...options, json: o.json === true };
}

/** Progress on stderr, at most once a second, for a comparison that has run more than a second. */
function progressPrinter(): NonNullable<ReconcileOptions['onProgress']> {
  let table = '';
  let started = 0;
  let printed = 0;
  return (p) => {
    const now = Date.now();
    if (p.table !== table) {
      table = p.table;
      started = now;
      printed = now;
    }
    if (now - started < 1000 || now - printed < 1000) return;
    printed = now;
    process.stderr.write(`reconcile: ${p.table}: ${p.checked}/${p.total} segments checked\n`);
  };
}

export function reconcileCommands(program: Command): void {
  program
    .command('reconcile')
    .description('compare the sources with the staging mirror and the warehouse facts; name every difference')
    .option(
      '--table <db.table>',
      'only this source table (repeatable; default: every table with a primary key in STARLING_SOURCE_DATABASES)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--json', 'print the whole report as JSON')
    .option(
      '--segment-rows <n>',
      `fetch a differing key range's rows once it holds at most n rows (default ${DEFAULT_SEGMENT_ROWS})`,
    )
    .addHelpText(
      'after',
      `
Each source table (MariaDB) is compared with its staging mirror, and each fact table of the star model with
its source table (grain <-> key, measures and derived measures, event time, date key, linked natural keys).
Each database computes, for a key range, the row count and the sum of a 60-bit MD5 prefix of a canonical
text of every row; ranges whose checksums differ are split (by the first key column's value for integer
keys, at sampled key boundaries otherwise) until they hold at most --segment-rows rows, whose rows are then
fetched from both sides and compared: each difference is named by key as "missing in <target>",
"extra in <target>", or "differs" with the differing columns. Fact tables also compare their count and the
sum of each measure with the source, and check that every fact's keys name the members its natural keys
and event time do. Staging's metadata columns (_starling_*) are never compared.

Exit code 1 when anything differs, 0 when everything is equal, 2 for bad options or unreachable databases.`,
    )
    .action((o: ReconcileCliOptions) =>
      runCommand(async () => {
        const s = parseReconcileArgs(o);
        const config = loadConfig();
        const { model } = await loadModel(config.env.STARLING_MODEL_FILE);
        const report = await reconcile(config, { ...s, model, onProgress: progressPrinter() });
        if (s.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else for (const line of formatReport(report)) process.stdout.write(`${line}\n`);
        return report.clean ? 0 : 1;
      }),
    );
}
