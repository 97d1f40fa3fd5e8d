import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { publishCatalogSnapshot } from '../../seeds/catalog/standin.js';
import { parsePhase, seedSoftcartEtl } from '../../seeds/etl-seed.js';
import { seedSoftcart } from '../../seeds/softcart-seed.js';
import { catalogDocuments, dataDirFor } from '../../seeds/source.js';
import { runCommand } from './run-command.js';
import { courseTableCommands } from './seed-course-tables.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Progress for long work only, at most one line a second per table and a last one at the end: a line per
 * committed transaction would be noise.
 */
function progress(): (what: string, done: number, total: number) => void {
  const started = Date.now();
  const last = new Map<string, number>();
  return (what, done, total) => {
    const now = Date.now();
    if (now - started < 1000) return;
    if (done < total && now - (last.get(what) ?? 0) < 1000) return;
    last.set(what, now);
    out(`  ${what}: ${done}/${total}`);
  };
}

/**
 * The catalog: into MongoDB when one is configured (the Debezium MongoDB connector captures it from
 * there); otherwise, for the local demo, the clearly named stand-in writes Debezium-format snapshot events
 * of the same documents straight into the catalog topic.
 */
function catalogCommand(seed: Command): void {
  seed
    .command('catalog')
    .description(
      'the 438 catalog documents: into MongoDB when configured, else the Kafka stand-in (no MongoDB here)',
    )
    .option(
      '--data-dir <dir>',
      'the course files (default STARLING_SOFTCART_DIR, then ../shared/data/softcart)',
    )
    .action((o: { dataDir?: string }) =>
      runCommand(async () => {
        const config = loadConfig();
        const docs = catalogDocuments(dataDirFor(o.dataDir)) as unknown as Array<Record<string, unknown>>;
        if (config.mongodb) {
          const { seedCatalogToMongo } = await import('../../seeds/catalog/mongo.js');
          await seedCatalogToMongo(config.mongodb.url, docs);
          out(`catalog: ${docs.length} documents upserted into MongoDB catalog.electronics`);
          return 0;
        }
        const r = await publishCatalogSnapshot(docs, {
          config,
          topicPrefix: config.topics.prefix,
          onlyIfEmpty: true,
        });
        out(
          r.events
            ? `catalog: STAND-IN (no MongoDB configured): ${r.events} Debezium-format snapshot events written to ${r.topic}`
            : `catalog: STAND-IN (no MongoDB configured): ${r.topic} already holds the snapshot; nothing written`,
        );
        return 0;
      }),
    );
}

function parseScale(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 10_000)
    throw new UserError(`--scale "${text}" is not an integer from 1 to 10000.`, 'SEED_SCALE');
  return n;
}

export function seedCommands(program: Command): void {
  const seed = program
    .command('seed')
    .description(
      'load the SoftCart reference data (MariaDB, the catalog, the course tables of the warehouse)',
    );
  catalogCommand(seed);
  courseTableCommands(seed);
  seed
    .command('softcart')
    .description(
      'sales_data and customers from the course files (or the built-in generator); reruns add nothing',
    )
    .option('--scale <n>', 'repeat the sales rows n times, with new rowids and later timestamps', '1')
    .option(
      '--data-dir <dir>',
      'the course files (default STARLING_SOFTCART_DIR, then ../shared/data/softcart)',
    )
    .option('--database <db>', 'MariaDB database', 'sales')
    .action((o: { scale: string; dataDir?: string; database: string }) =>
      runCommand(async () => {
        const r = await seedSoftcart({
          config: loadConfig(),
          database: o.database,
          dataDir: dataDirFor(o.dataDir),
          scale: parseScale(o.scale),
          onProgress: progress(),
        });
        out(`Seeded SoftCart into ${r.database} from the ${r.origin}:`);
        for (const t of r.tables) out(`  ${t.table}: ${t.rows} rows (${t.added} new)`);
        out(
          `  catalog: ${r.catalogDocuments} documents ready (product ids 5600–${5600 + r.catalogDocuments - 1})`,
        );
        return 0;
      }),
    );
  seed
    .command('softcart-etl')
    .description(
      "the course's ETL module as a capture scenario: sales.csv loaded, then sales.sql's newer rows live",
    )
    .option(
      '--data-dir <dir>',
      'the course files (default STARLING_SOFTCART_DIR, then ../shared/data/softcart)',
    )
    .option('--database <db>', 'MariaDB database', 'sales_etl')
    .option('--phase <phase>', 'load, live or all', 'all')
    .action((o: { dataDir?: string; database: string; phase: string }) =>
      runCommand(async () => {
        const r = await seedSoftcartEtl({
          config: loadConfig(),
          database: o.database,
          dataDir: dataDirFor(o.dataDir),
          phase: parsePhase(o.phase),
          onProgress: progress(),
        });
        out(`SoftCart ETL scenario in ${r.database} from the ${r.origin}:`);
        out(`  load: ${r.loaded} rows of sales.csv written`);
        out(`  live: ${r.liveInserted} newer rows of sales.sql inserted`);
        out(`  sales_data: ${r.rows} rows, max rowid ${r.maxRowid}`);
        return 0;
      }),
    );
}
