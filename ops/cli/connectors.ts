import type { Command } from 'commander';
import { ConnectApi } from '../../connectors/connect-api.js';
import { defaultCaptureOptions } from '../../connectors/mariadb.js';
import { registerCapture } from '../../connectors/register.js';
import { resnapshot } from '../../connectors/resnapshot.js';
import { loadConfig } from '../../core/config/load.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

export function connectorCommands(program: Command): void {
  const c = program.command('connectors').description('Debezium capture connectors on Kafka Connect');
  c.command('register')
    .description('register (or update) the capture connectors; registering twice is harmless')
    .action(() =>
      runCommand(async () => {
        for (const r of await registerCapture(loadConfig()))
          out(`  ${r.name}: ${r.created ? 'registered' : 'updated'}`);
        return 0;
      }),
    );
  c.command('status')
    .description('each connector and task state as Kafka Connect reports it')
    .action(() =>
      runCommand(async () => {
        const { connect } = loadConfig();
        const api = new ConnectApi(connect.url, connect.auth);
        let ok = true;
        for (const name of await api.list()) {
          const s = await api.status(name);
          out(
            `  ${name}: ${s.connector.state}; tasks ${s.tasks.map((t) => `${t.id}=${t.state}`).join(', ') || 'none'}`,
          );
          if (s.connector.state !== 'RUNNING' || s.tasks.some((t) => t.state !== 'RUNNING')) ok = false;
        }
        return ok ? 0 : 1;
      }),
    );
  c.command('resnapshot')
    .description(
      'take a new snapshot (the way out of a purged binlog, RESET MASTER or a rebuilt server): stop the connector, delete its offsets, resume it',
    )
    .option('--name <name>', 'the connector (default: the configured MariaDB capture connector)')
    .action((opts: { name?: string }) =>
      runCommand(async () => {
        const config = loadConfig();
        const name = opts.name ?? defaultCaptureOptions(config).name;
        for (const s of await resnapshot(config.connect.url, name, { auth: config.connect.auth }))
          out(`  ${name}: ${s.step}: ${s.detail}`);
        out(
          `  ${name} is taking a new snapshot; the sinks apply it as a new source epoch. Check with \`starling reconcile\` once it is in.`,
        );
        return 0;
      }),
    );
}
