import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { ControlChannel, controlTopic } from '../control/control-channel.js';
import { progressLine } from '../replay/progress.js';
import { replay } from '../replay/replay.js';
import { parseTarget } from '../replay/target.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface ReplayCliOptions {
  group?: string;
  to?: string;
  topic?: string[];
  pause?: boolean;
  wait: boolean;
  json?: boolean;
}

export function replayCommands(program: Command): void {
  program
    .command('replay')
    .description(
      "reset a consumer group's offsets (earliest, latest, a time or an offset) and follow it until it has caught up; refuses while the group has members unless --pause",
    )
    .option('--group <group>', 'the consumer group (any group on the cluster)')
    .option('--to <target>', 'earliest | latest | an ISO time (2026-11-26T10:00:00Z) | an offset')
    .option('--topic <topic...>', 'only these topics of the group (default: all it consumes)')
    .option(
      '--pause',
      "have Starling's processes leave the group for the reset (control topic) and rejoin after it",
    )
    .option('--no-wait', 'return after the reset instead of following the group until it has caught up')
    .option('--json', 'print the result as JSON')
    .action((o: ReplayCliOptions) =>
      runCommand(async () => {
        const problems: string[] = [];
        if (!o.group) problems.push('--group is required');
        const target = parseTarget(o.to, problems);
        if (problems.length || !target || !o.group)
          throw new UserError(`starling replay: ${problems.join('; ')}.`, 'REPLAY_ARGS');
        const config = loadConfig();
        const log = createLogger(
          config.env.STARLING_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
          {},
          config.secrets,
        );
        const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'starling-replay' }));
        const control = o.pause ? new ControlChannel(kafka, controlTopic(config), log) : undefined;
        const tty = process.stderr.isTTY;
        let lastLine = 0;
        try {
          const r = await replay(kafka, control, {
            group: o.group,
            target,
            topics: o.topic,
            pause: Boolean(o.pause),
            wait: o.wait,
            onProgress: (p) => {
              // A redrawn bar on a terminal; a line every few seconds otherwise (logs, CI).
              if (tty) process.stderr.write(`\r${progressLine(p)}`);
              else if (Date.now() - lastLine > 3000 || p.consumed >= p.total) {
                lastLine = Date.now();
                process.stderr.write(`${progressLine(p)}\n`);
              }
            },
          });
          if (tty) process.stderr.write('\n');
          if (o.json) out(JSON.stringify(r, null, 2));
          else {
            out(`replayed group ${o.group} to ${o.to}: ${r.records} records to consume again`);
            for (const p of r.partitions)
              out(`  ${p.topic}[${p.partition}]: ${p.from ?? '(none)'} -> ${p.to}`);
            if (r.paused.length) out(`  paused and resumed: ${r.paused.join(', ')}`);
            if (o.wait) out(`caught up in ${r.elapsedS.toFixed(1)} s`);
          }
          return 0;
        } finally {
          await control?.stop();
        }
      }),
    );
}
