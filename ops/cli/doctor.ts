import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { runDoctor } from '../doctor/doctor.js';
import { formatReport } from '../doctor/report.js';
import { runCommand } from './run-command.js';

export function doctorCommands(program: Command): void {
  program
    .command('doctor')
    .description(
      'preflight: check the source, the targets, Kafka, the registry and Connect before capture starts',
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Reads the same configuration as \`starling run\` and \`starling connectors register\` and checks, as the users
Starling connects with:
  source     MariaDB/MySQL as the capture user: flavour and version, log_bin, binlog_format=ROW,
             binlog_row_image=FULL (binlog_row_metadata on MySQL 8), server_id, binlog retention, GTIDs, the
             capture user's grants (SHOW GRANTS), the captured databases, the signal table and its grants,
             primary keys of the captured tables
  staging,   PostgreSQL: version, CONNECT and CREATE on the database, USAGE and CREATE on Starling's schemas,
  warehouse  ownership of the tables Starling alters, track_commit_timestamp (information)
  kafka      brokers, auto.create.topics.enable (information), the raw and conformed topics' cleanup policy,
             retention, min.insync.replicas and max.message.bytes, the connector's schema history topic
  registry   the global compatibility level and each subject's under the topic prefix
  connect    the Debezium connector plugin for the source's flavour and the Avro converter

Each finding is OK, WARN or PROBLEM; every WARN and PROBLEM says why it matters and how to fix it. A system
that does not answer is one PROBLEM; the others are still checked.

Exit code 0 when there is no PROBLEM (warnings allowed), 1 when there is any, 2 for a configuration mistake.`,
    )
    .action((o: { json?: boolean }) =>
      runCommand(async () => {
        const report = await runDoctor(loadConfig());
        if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else for (const line of formatReport(report)) process.stdout.write(`${line}\n`);
        return report.exitCode;
      }),
    );
}
