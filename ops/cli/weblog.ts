import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createLogger } from '../../core/log/logger.js';
import { DailyArchiver } from '../../sinks/weblog/archiver.js';
import { createWeblogService, createWeblogWarehouse } from '../../sinks/weblog/weblog-service.js';
import { archiveName } from '../../streams/weblog/archive.js';
import { runCommand } from './run-command.js';

const SHUTDOWN_DEADLINE_MS = 30_000;

/** The --day option as a calendar day, or a UserError saying what is wrong. */
export function parseDay(text: string | undefined): string {
  if (text === undefined) throw new UserError('starling weblog archive needs --day YYYY-MM-DD', 'OPTIONS');
  try {
    archiveName(text);
  } catch {
    throw new UserError(
      `--day ${JSON.stringify(text)} is not a calendar day in the form YYYY-MM-DD`,
      'OPTIONS',
    );
  }
  return text;
}

export function weblogCommands(program: Command): void {
  const weblog = program
    .command('weblog')
    .description('the web-log stream: follow STARLING_WEBLOG_FILE into the warehouse, daily tar archives');

  weblog
    .command('follow')
    .description(
      'run the web-log stream alone in the foreground (source, processor, daily archives) until Ctrl-C',
    )
    .action(() =>
      runCommand(async () => {
        const config = loadConfig();
        if (config.weblog.file === undefined)
          throw new UserError('STARLING_WEBLOG_FILE is not set: name the access log to follow.', 'CONFIG');
        const log = createLogger(config.env.STARLING_LOG_LEVEL, { app: 'starling' }, config.secrets);
        let fatal = false;
        let stopping = false;
        const service = createWeblogService(config, log, (e) => {
          fatal = true;
          log.error('fatal: stopping', { error: e.message });
          shutdown();
        });
        const shutdown = () => {
          if (stopping) return;
          stopping = true;
          setTimeout(() => {
            log.error('shutdown deadline passed; exiting');
            process.exit(1);
          }, SHUTDOWN_DEADLINE_MS).unref();
          service
            .stop()
            .catch((e) => log.error('error while stopping', { error: String(e) }))
            .finally(() => process.exit(fatal ? 1 : 0));
        };
        process.on('SIGINT', shutdown);
        process.on('SIGTERM', shutdown);
        await service.start();
        await new Promise(() => undefined); // runs until a signal
        return 0;
      }),
    );

  weblog
    .command('archive')
    .description('rebuild one day’s tar archive from the warehouse fact (the kept lines in file order)')
    .requiredOption('--day <YYYY-MM-DD>', 'the day (the lines’ own local calendar day)')
    .action((o: { day?: string }) =>
      runCommand(async () => {
        const day = parseDay(o.day);
        const config = loadConfig();
        const log = createLogger(config.env.STARLING_LOG_LEVEL, { app: 'starling' }, config.secrets);
        const warehouse = await createWeblogWarehouse(config);
        try {
          await warehouse.ensureTables();
          const archiver = new DailyArchiver(
            warehouse,
            config.weblog.archiveDir,
            0,
            log.child({ stage: 'weblog' }),
          );
          const path = await archiver.archiveDay(day);
          process.stdout.write(`${path}\n`);
        } finally {
          await warehouse.close();
        }
        return 0;
      }),
    );
}
