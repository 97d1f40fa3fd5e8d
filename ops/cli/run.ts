import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log/logger.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { runCommand } from './run-command.js';

const SHUTDOWN_DEADLINE_MS = 30_000;

export function runCommands(program: Command): void {
  program
    .command('run')
    .description('run the pipeline: the staging sink (processors and the warehouse sink come next)')
    .action(() =>
      runCommand(async () => {
        const config = loadConfig();
        const log = createLogger(config.env.STARLING_LOG_LEVEL, { app: 'starling' }, config.secrets);
        let fatal: Error | undefined;
        const sink = createStagingSink(config, log, (e) => {
          fatal = e;
          log.error('fatal: stopping', { error: e.message });
          shutdown(1);
        });
        let stopping = false;
        const shutdown = (code: number) => {
          if (stopping) return;
          stopping = true;
          // Stop intake, let the batch in flight write and commit, then disconnect, within a deadline.
          const timer = setTimeout(() => {
            log.error('shutdown deadline passed; exiting');
            process.exit(1);
          }, SHUTDOWN_DEADLINE_MS);
          timer.unref();
          sink
            .stop()
            .catch((e) => log.error('error while stopping', { error: String(e) }))
            .finally(() => process.exit(fatal ? 1 : code));
        };
        process.on('SIGINT', () => shutdown(0));
        process.on('SIGTERM', () => shutdown(0));
        await sink.runner.start();
        log.info('staging sink running', {
          group: config.staging.group,
          topics: String(config.staging.topics),
        });
        await new Promise(() => undefined); // runs until a signal
        return 0;
      }),
    );
}
