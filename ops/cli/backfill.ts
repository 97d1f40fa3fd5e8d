import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { runBackfill } from '../backfill/backfill.js';
import { type BackfillCliOptions, parseBackfillArgs } from '../backfill/options.js';
import { formatCount, formatProgress, RateMeter } from '../backfill/progress.js';
import { ProgressPrinter } from '../backfill/progress-printer.js';
import { stagingLag, type TopicLag } from '../backfill/staging-lag.js';
import { summaryJson, summaryLines } from '../backfill/summary.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

export function backfillCommands(program: Command): void {
  program
    .command('backfill')
    .description(
      're-read one table into its raw topic (a Debezium incremental snapshot) while streaming goes on',
    )
    .option('--table <db.table>', 'the captured table to re-read')
    .option('--where <condition>', 'only the rows matching this SQL condition (see below)')
    .option('--timeout <s>', 'give up waiting after this many seconds', '600')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      `
The backfill asks the table's Debezium connector for an incremental snapshot by inserting an
'execute-snapshot' row into the connector's signal table (signal.data.collection). Debezium re-reads the
table in primary-key chunks into <prefix>.<db>.<table> as read events (op 'r'), between the streamed
changes; the sinks apply them like any change (the newer position wins). Streaming never stops.

Checked first, every problem at once (exit 2): the table exists and has a primary key, its database is
captured (STARLING_SOURCE_DATABASES) by a RUNNING connector with the topic prefix, the signal table exists
and the capture user may INSERT into it (Debezium writes its chunk watermarks there), the raw topic exists.

--where is SQL, taken verbatim from you: it is used in exactly two places, the query that counts the rows
to expect (run by the application user in a READ ONLY transaction) and the signal's additional-conditions
filter, which Debezium appends as the WHERE condition of its chunk queries (run by the capture user). Only
give a condition you would type into the database yourself; quote values as SQL does (country = 'Mali').

Progress (stderr) counts the snapshot reads arriving on the raw topic against the rows counted in
MariaDB. It ends when all are read, or when the connector's committed offsets show the snapshot is over
(rows deleted meanwhile are never read), or fails after --timeout (exit 1). Stopping the command does not
stop the snapshot: Debezium finishes it in the background. The summary ends with the staging group's lag
on the topic: staging holds every row read once that lag is 0. Run one backfill of a table at a time: the
reads of a snapshot still running (say, after a timeout) would count toward the next.

Exit code 0 when done, 1 on timeout or when Debezium gave up the snapshot, 2 when a check fails.`,
    )
    .action((o: BackfillCliOptions) =>
      runCommand(async () => {
        const s = parseBackfillArgs(o);
        const config = loadConfig();
        const printer = new ProgressPrinter(process.stderr);
        const meter = new RateMeter();
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let result: Awaited<ReturnType<typeof runBackfill>>;
        try {
          result = await runBackfill(config, s, {
            abort: abort.signal,
            onPlan: (p) =>
              err(
                `Backfilling ${p.db}.${p.table}: ${formatCount(p.expected)} rows${p.where === undefined ? '' : ' matching --where'}, through connector ${p.connector.name} into ${p.topic}.`,
              ),
            onSignal: (sig) =>
              err(`Signal ${sig.id} into ${sig.table}: ${sig.type} ${JSON.stringify(sig.data)}`),
            onProgress: (p) => {
              meter.add(Date.now(), p.read);
              printer.update(formatProgress({ ...p, rate: meter.rate() }));
            },
          });
        } finally {
          printer.done();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        let staging: TopicLag | undefined;
        if (result.endedBy !== 'nothing') {
          try {
            const kafka = createKafka(kafkaOptionsFrom(config));
            staging = await stagingLag(kafka, config.staging.group, result.topic);
          } catch (e) {
            err(`(the staging lag could not be measured: ${(e as Error).message})`);
          }
        }
        if (s.json) out(JSON.stringify(summaryJson(result, staging), null, 2));
        else for (const l of summaryLines(result, staging)) out(l);
        return 0;
      }),
    );
}
