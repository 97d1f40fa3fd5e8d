import type { Command } from 'commander';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { type Admin, createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { formatListing, formatReplay, formatShow } from '../dlq/format.js';
import { dlqGroupsOnCluster, unknownGroupProblems } from '../dlq/groups.js';
import { listDeadLetters } from '../dlq/list.js';
import {
  collect,
  DEFAULT_LIMIT,
  type DlqCliOptions,
  MAX_LIMIT,
  optionsError,
  type Parsed,
  parseListOptions,
  parseReplayOptions,
  parseShowOptions,
} from '../dlq/options.js';
import { replayDeadLetters } from '../dlq/replay.js';
import { showDeadLetters } from '../dlq/show.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs a dlq command with a connected admin client, after every problem with the options and the groups
 * is reported in one message (the groups are checked against the cluster's dlq.<group> topics).
 */
async function withKafka<T>(
  command: string,
  parsed: Parsed<T>,
  groupsOf: (s: T) => string[],
  action: (ctx: {
    kafka: ReturnType<typeof createKafka>;
    admin: Admin;
    groups: string[];
    settings: T;
  }) => Promise<number>,
): Promise<number> {
  const config = loadConfig();
  const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'starling-dlq' }));
  const admin = kafka.admin();
  const problems = [...parsed.problems];
  try {
    let known: string[] | undefined;
    try {
      await admin.connect();
      known = await dlqGroupsOnCluster(admin);
    } catch (e) {
      const unreachable = `cannot reach Kafka at ${config.kafka.brokers.join(',')} (${(e as Error).message}); is the stack up? (starling stack status)`;
      if (problems.length === 0) throw new UserError(unreachable, 'KAFKA_UNREACHABLE');
      problems.push(`the groups could not be checked: ${unreachable}`);
    }
    if (known !== undefined) problems.push(...unknownGroupProblems(groupsOf(parsed.settings), known));
    if (problems.length > 0) throw optionsError(`dlq ${command}`, problems);
    return await action({ kafka, admin, groups: known ?? [], settings: parsed.settings });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const selectionOptions = (c: Command) =>
  c
    .option('--code <code>', 'only dead letters with this error code (repeatable)', collect)
    .option('--topic <topic>', 'only dead letters from this source topic (repeatable)', collect);

export function dlqCommands(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('dead letters: the records a stage could not apply, in its topic dlq.<group>')
    .addHelpText(
      'after',
      `
Every stage (the staging sink, the conform processors, the warehouse sink) sends a record it cannot apply
to dlq.<its consumer group>, with its original key and value and headers naming the source topic,
partition and offset, the stage, an error code and the error message. Fix the cause, then replay.`,
    );

  dlq
    .command('list')
    .description(
      'dead letters per group, by error code and source topic: counts, first/last time, latest example',
    )
    .option(
      '--group <g>',
      'only this consumer group (repeatable; default: every group with a dlq topic)',
      collect,
    )
    .option('--json', 'print the summary as JSON')
    .action((o: DlqCliOptions) =>
      runCommand(() =>
        withKafka(
          'list',
          parseListOptions(o),
          (s) => s.groups ?? [],
          async ({ kafka, admin, groups, settings }) => {
            const listings = await listDeadLetters(kafka, admin, settings.groups ?? groups);
            if (settings.json) out(JSON.stringify({ groups: listings }, null, 2));
            else for (const l of formatListing(listings)) out(l);
            return 0;
          },
        ),
      ),
    );

  selectionOptions(
    dlq
      .command('show')
      .description('each dead letter: where it came from, why, and its key and value (decoded when Avro)')
      .option('--group <g>', 'the consumer group (required)', collect),
  )
    .option(
      '--limit <n>',
      `show at most n dead letters, oldest first (1-${MAX_LIMIT})`,
      String(DEFAULT_LIMIT),
    )
    .option('--json', 'print them as JSON')
    .addHelpText(
      'after',
      `
Keys and values in the Confluent Avro wire format are decoded with their schema from the registry (cut at
2000 characters); anything else shows its length and its first 48 bytes as hex, base64 and, when printable,
text. Every matching dead letter is counted; only --limit of them are shown.`,
    )
    .action((o: DlqCliOptions) =>
      runCommand(() =>
        withKafka(
          'show',
          parseShowOptions(o),
          (s) => [s.group],
          async ({ kafka, admin, settings }) => {
            const { registry } = loadConfig();
            const codec = new AvroCodec(new RegistryClient(registry.ccompatUrl, registry.auth));
            const r = await showDeadLetters(kafka, admin, codec, settings);
            if (settings.json) out(JSON.stringify(r, null, 2));
            else for (const l of formatShow(r, settings.selection)) out(l);
            return 0;
          },
        ),
      ),
    );

  selectionOptions(
    dlq
      .command('replay')
      .description('send dead letters back to their source topic, once each, after the cause was fixed')
      .option('--group <g>', 'the consumer group (required)', collect),
  )
    .option('--dry-run', 'print what would be sent; send nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Each selected dead letter is sent to its source topic and partition with its original key, value and
headers (without the starling.* ones the dead-lettering added), so the stage consumes it again. Every sink
write is guarded by the record's source position, so a replayed record never overwrites a newer row; other
consumer groups of the source topic see it again too, under the same guard.

What was sent is remembered in the consumer group <group>-dlq-replay (its committed offsets and their
metadata), so a second replay sends only dead letters not replayed before (a crash between sending and
remembering sends those again next time: harmless for the same reason). To replay the same dead letters
once more, delete that group. Exit code 1 when a selected dead letter could not be sent (each is named).`,
    )
    .action((o: DlqCliOptions) =>
      runCommand(() =>
        withKafka(
          'replay',
          parseReplayOptions(o),
          (s) => [s.group],
          async ({ kafka, admin, settings }) => {
            const r = await replayDeadLetters(kafka, admin, settings);
            if (settings.json) out(JSON.stringify(r, null, 2));
            else for (const l of formatReplay(r, settings.selection)) out(l);
            return r.notReplayed > 0 ? 1 : 0;
          },
        ),
      ),
    );
}
