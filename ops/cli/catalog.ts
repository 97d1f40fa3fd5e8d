import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { CATALOG_COLLECTION, CATALOG_DB } from '../../seeds/catalog/mongo.js';
import type { CatalogStats } from '../../seeds/catalog-stats.js';
import { connectPostgres } from '../../seeds/warehouse-db.js';
import { mongoAddress, mongoCatalogStats } from '../analytics/catalog-mongo.js';
import { stagingCatalogStats } from '../analytics/catalog-staging.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Which store answered, and what the user reads as its name. */
interface Answer extends CatalogStats {
  source: 'mongodb' | 'staging';
  from: string;
}

async function answer(db: string, collection: string): Promise<Answer> {
  const config = loadConfig();
  if (config.mongodb)
    return {
      source: 'mongodb',
      from: `MongoDB ${mongoAddress(config.mongodb.url)}, ${db}.${collection}`,
      ...(await mongoCatalogStats(config.mongodb.url, db, collection)),
    };
  const client = await connectPostgres(config.postgres.stagingUrl, 'staging');
  try {
    const stats = await stagingCatalogStats(client, db, collection);
    const u = new URL(config.postgres.stagingUrl);
    return {
      source: 'staging',
      from: `the staging mirror ${db}.${collection} in ${u.pathname.slice(1)} (no MongoDB configured)`,
      ...stats,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `starling catalog stats`: the course's three catalog questions (capstone module 2) answered by MongoDB
 * when STARLING_MONGODB_URL is set, else by the staging mirror of the catalog; the output names which.
 */
export function catalogCommands(program: Command): void {
  const catalog = program
    .command('catalog')
    .description('the product catalog (MongoDB, or its staging mirror)');
  catalog
    .command('stats')
    .description(
      "the course's catalog questions: laptops, smart phones of screen size 6, their average screen size",
    )
    .option('--json', 'print the answers as JSON')
    .option('--database <db>', 'the catalog database', CATALOG_DB)
    .option('--collection <name>', 'the catalog collection', CATALOG_COLLECTION)
    .action((o: { json?: boolean; database: string; collection: string }) =>
      runCommand(async () => {
        const a = await answer(o.database, o.collection);
        if (o.json) {
          out(JSON.stringify(a));
          return 0;
        }
        out(`Catalog answers from ${a.from}:`);
        out(`  laptops: ${a.laptops}`);
        out(`  smart phones with screen size 6: ${a.smartPhonesScreen6}`);
        out(
          `  average screen size of smart phones: ${a.smartPhoneAvgScreen === null ? 'none (no smart phone has a numeric screen size)' : Number(a.smartPhoneAvgScreen.toFixed(4))}`,
        );
        return 0;
      }),
    );
}
