import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { connectWarehouse, warehouseSchema } from '../../seeds/warehouse-db.js';
import { projectionLines, projectionOutcome } from '../analytics/projection-report.js';
import { describeSource, parseSalesSource, yearlySales } from '../analytics/yearly-sales.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

function parseYears(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 100)
    throw new UserError(`--years "${text}" is not a whole number from 0 to 100.`, 'ANALYTICS_YEARS');
  return n;
}

/**
 * `starling analytics projection`: the course's sales projection (capstone module 6) over the warehouse:
 * yearly sales from the star or from sales_history, the least-squares line, the next years, and the course
 * model's 2023 prediction as the check of the prediction path. Too little data (fewer than 2 years: the
 * course's data is all 2020) is explained, with the course model's projection, and exits 0.
 */
export function analyticsCommands(program: Command): void {
  const analytics = program.command('analytics').description("the course's analytics over the warehouse");
  analytics
    .command('projection')
    .description('yearly sales, the fitted line and the projection of the next years')
    .option('--years <n>', 'how many years after the last to project', '3')
    .option('--source <source>', 'star (FactSales) or history (sales_history)', 'star')
    .option('--json', 'print the outcome as JSON')
    .action((o: { years: string; source: string; json?: boolean }) =>
      runCommand(async () => {
        const count = parseYears(o.years);
        const source = parseSalesSource(o.source);
        const config = loadConfig();
        const schema = warehouseSchema(config);
        const client = await connectWarehouse(config, 'analytics projection');
        try {
          const outcome = projectionOutcome(await yearlySales(client, source, schema), count);
          if (o.json) out(JSON.stringify({ source, schema, ...outcome, fit: outcome.fit ?? null }, null, 2));
          else for (const line of projectionLines(outcome, describeSource(source, schema))) out(line);
          return 0;
        } finally {
          await client.end().catch(() => undefined);
        }
      }),
    );
}
