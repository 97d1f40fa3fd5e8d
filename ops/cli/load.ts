import type { Command } from 'commander';
import { loadConfig } from '../../core/config/load.js';
import { dataDirFor, loadSoftcartData } from '../../seeds/source.js';
import type { CatalogTarget } from '../../seeds/workload/catalog-target.js';
import { OP_KINDS, writesCatalog } from '../../seeds/workload/mix.js';
import { parseLoadArgs } from '../../seeds/workload/options.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface LoadCliOptions {
  rate?: string;
  duration?: string;
  seed?: string;
  mix?: string;
  database: string;
  log?: string;
  txnSize?: string;
  dataDir?: string;
}

export function loadCommands(program: Command): void {
  program
    .command('load')
    .description('deterministic workload on sales_data, customers and the catalog at a steady rate')
    .option('--rate <r>', 'changes per second')
    .option('--duration <s>', 'seconds to run')
    .option('--seed <n>', 'PRNG seed: the same seed on the same data makes the same changes', '1')
    .option(
      '--mix <spec>',
      'kind=weight pairs of insert, update, delete, pk, country, late (a sale before its new customer/product), category (a product changes type) (default 55,25,10,5,5,0,0)',
    )
    .option('--database <db>', 'MariaDB database', 'sales')
    .option('--log <file>', 'append one JSON line per committed change, in commit order')
    .option('--txn-size <k>', 'statements per transaction', '1')
    .option('--data-dir <dir>', 'course files, for the countries and the catalog (default as for seed)')
    .action((o: LoadCliOptions) =>
      runCommand(async () => {
        const s = parseLoadArgs(o);
        const config = loadConfig();
        const data = loadSoftcartData(dataDirFor(o.dataDir));
        // Catalog changes go where `starling seed catalog` put the catalog: MongoDB when configured, else
        // the Kafka stand-in under the topic prefix.
        let catalog: CatalogTarget | undefined;
        if (writesCatalog(s.mix))
          catalog = config.mongodb
            ? { mongoUrl: config.mongodb.url }
            : { standin: { topicPrefix: config.topics.prefix } };
        const r = await runWorkload({
          config,
          database: o.database,
          rate: s.rate,
          durationS: s.durationS,
          seed: s.seed,
          mix: s.mix,
          txnSize: s.txnSize,
          logFile: o.log,
          countries: data.countries,
          catalog,
          catalogDocs: data.catalog,
          onProgress: (done, planned, t) => out(`  ${done}/${planned} changes after ${t.toFixed(1)} s`),
        });
        out(
          `Committed ${r.committed - r.flushed}/${r.planned} changes in ${r.transactions} transactions, ${r.elapsedS.toFixed(2)} s: ${r.achievedRate.toFixed(1)} changes/s (target ${s.rate})`,
        );
        if (r.flushed > 0) out(`  + ${r.flushed} late members still pending at the end, created then`);
        if (catalog)
          out(
            'mongoUrl' in catalog
              ? '  catalog changes: MongoDB catalog.electronics'
              : `  catalog changes: STAND-IN (no MongoDB configured), Debezium-format events under topic prefix ${catalog.standin.topicPrefix}`,
          );
        out(`  ${OP_KINDS.map((k) => `${k} ${r.byKind[k]}`).join(', ')}`);
        if (r.maxLateMs > 100) out(`  fell behind the schedule by up to ${Math.round(r.maxLateMs)} ms`);
        return 0;
      }),
    );
}
