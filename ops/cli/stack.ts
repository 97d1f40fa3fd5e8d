import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { stackPaths } from '../../infra/stack/paths.js';
import { preflight } from '../../infra/stack/preflight.js';
import { stackDown, stackServices, stackStatus, stackUp } from '../../infra/stack/stack.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

export function stackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('the local stack: MariaDB, PostgreSQL, Kafka, the registry, Kafka Connect');
  stack
    .command('up')
    .description('start what is not running and wait until every service is ready')
    .action(() =>
      runCommand(async () => {
        const config = loadConfig();
        preflight(config, stackPaths(config), (l) => out(l));
        await stackUp(stackServices(config), {
          starting: (s) =>
            process.stdout.write(
              `  ${s.name.padEnd(11)} ${s.external ? 'external' : 'local   '} ${s.address} ... `,
            ),
          failed: () => out('FAILED'),
          ready: (_s, state, ms) =>
            out(`${state === 'external' ? 'reachable' : 'ready'} (${(ms / 1000).toFixed(1)} s)`),
        });
        out(`stack is up; data and logs under ${config.home}`);
        return 0;
      }),
    );
  stack
    .command('down')
    .description('stop the services this stack started (never an external one)')
    .action(() =>
      runCommand(async () => {
        const stopped = await stackDown(stackServices(loadConfig()));
        out(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
        return 0;
      }),
    );
  stack
    .command('status')
    .description('each service with its address and state; exit code 1 when any is not running')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      runCommand(async () => {
        const states = await stackStatus(stackServices(loadConfig()));
        if (opts.json) {
          out(
            JSON.stringify(
              states.map((s) => ({ service: s.service.name, address: s.service.address, state: s.state })),
            ),
          );
        } else {
          for (const { service, state } of states)
            out(`  ${service.name.padEnd(11)} ${state.padEnd(11)} ${service.address}`);
        }
        return states.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
      }),
    );
}
