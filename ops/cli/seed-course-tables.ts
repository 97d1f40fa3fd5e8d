import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { seedCourseTable } from '../../seeds/course-table-seed.js';
import { type CourseTable, SALES_HISTORY, SEARCH_TERMS } from '../../seeds/course-tables.js';
import { dataDirFor } from '../../seeds/source.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The data directory; a named folder that does not exist gets a message without source.ts's hint about the
 * built-in generator, which these tables do not have.
 */
function courseDataDir(option: string | undefined, t: CourseTable): string | undefined {
  try {
    return dataDirFor(option);
  } catch (e) {
    if (!(e instanceof UserError) || e.code !== 'SEED_DATA_DIR') throw e;
    const what =
      option !== undefined
        ? `--data-dir names ${option}, which is not a directory`
        : 'STARLING_SOFTCART_DIR does not name a directory';
    throw new UserError(
      `${what}: give the folder holding the course file ${t.file} (there is no built-in generator for ${t.table}).`,
      'SEED_DATA_DIR',
    );
  }
}

/** One `seed <name>` command loading a course file into its warehouse table. */
function courseTableCommand(seed: Command, name: string, t: CourseTable, description: string): void {
  seed
    .command(name)
    .description(description)
    .option(
      '--data-dir <dir>',
      'the course files (default STARLING_SOFTCART_DIR, then ../shared/data/softcart)',
    )
    .action((o: { dataDir?: string }) =>
      runCommand(async () => {
        const r = await seedCourseTable({
          config: loadConfig(),
          dataDir: courseDataDir(o.dataDir, t),
          table: t,
          command: `seed ${name}`,
        });
        out(`Loaded ${r.file} into the warehouse table ${r.schema}.${r.table}:`);
        out(`  ${r.rows} rows (replacing ${r.replaced}) in ${(r.ms / 1000).toFixed(2)} s`);
        return 0;
      }),
    );
}

/**
 * `seed sales-history` and `seed search-terms`: the course's BI and Spark tables, from the course files
 * only (no generator), into the warehouse schema; a re-run replaces the content in one transaction.
 */
export function courseTableCommands(seed: Command): void {
  courseTableCommand(
    seed,
    'sales-history',
    SALES_HISTORY,
    "ecommerce.csv into the warehouse table sales_history (the course's BI data); reruns replace it",
  );
  courseTableCommand(
    seed,
    'search-terms',
    SEARCH_TERMS,
    'searchterms.csv into the warehouse table search_terms; reruns replace it',
  );
}
