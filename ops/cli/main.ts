import { Command } from 'commander';
import { analyticsCommands } from './analytics.js';
import { backfillCommands } from './backfill.js';
import { catalogCommands } from './catalog.js';
import { connectorCommands } from './connectors.js';
import { dlqCommands } from './dlq.js';
import { doctorCommands } from './doctor.js';
import { lagCommands } from './lag.js';
import { loadCommands } from './load.js';
import { migrateCommands } from './migrate.js';
import { reconcileCommands } from './reconcile.js';
import { replayCommands } from './replay.js';
import { runCommands } from './run.js';
import { seedCommands } from './seed.js';
import { stackCommands } from './stack.js';
import { weblogCommands } from './weblog.js';

const program = new Command('starling')
  .description('Change-data-capture into a star schema, kept current within a second.')
  .showHelpAfterError();
stackCommands(program);
connectorCommands(program);
seedCommands(program);
loadCommands(program);
runCommands(program);
lagCommands(program);
backfillCommands(program);
replayCommands(program);
dlqCommands(program);
reconcileCommands(program);
migrateCommands(program);
doctorCommands(program);
weblogCommands(program);
catalogCommands(program);
analyticsCommands(program);
await program.parseAsync(process.argv);
