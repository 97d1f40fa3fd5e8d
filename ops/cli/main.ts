import { Command } from 'commander';
import { connectorCommands } from './connectors.js';
import { stackCommands } from './stack.js';

const program = new Command('starling')
  .description('Change-data-capture into a star schema, kept current within a second.')
  .showHelpAfterError();
stackCommands(program);
connectorCommands(program);
await program.parseAsync(process.argv);
