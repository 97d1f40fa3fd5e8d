import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { type Admin, createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { postgresDialect } from '../../schemas/ddl/postgres.js';
import { modelHash } from '../../schemas/migrate/model-record.js';
import { formatPlan, type MigrationPlan, planMigration } from '../../schemas/migrate/plan.js';
import { loadModel } from '../../schemas/model/load.js';
import type { StarModel } from '../../schemas/model/types.js';
import { PostgresWarehouse } from '../../sinks/postgres/warehouse-dialect.js';
import { warehouseDialect } from '../../sinks/warehouse/warehouse-sink.js';
import { runCommand } from './run-command.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `starling migrate plan|apply`: turns the warehouse of the model it records into the warehouse of the
 * configured model (STARLING_MODEL_FILE), with the plan shown first (schemas/migrate/plan.ts).
 *
 * The contract with the running pipeline is the simplest honest one: stop `starling run` (every process of
 * the conform and warehouse groups), migrate, start it again with the new model. `apply` refuses while
 * either group has members, and the warehouse sink refuses to start on a star recorded with another model,
 * so an old process can neither race the DDL nor write the new tables with the old model.
 * Apply order: the conform group's offsets are reset first (a replay with the old model is harmless: equal
 * positions rewrite identical rows), then the DDL and the new model record commit in one transaction; the
 * next `starling run` re-conforms the history with the new model and the warehouse sink fills the tables.
 */
export function migrateCommands(program: Command): void {
  const migrate = program
    .command('migrate')
    .description(
      'migrate the warehouse star to the configured model (STARLING_MODEL_FILE): plan, then apply',
    );
  migrate
    .command('plan')
    .description(
      'show the migration from the model the warehouse records to the configured one (changes nothing)',
    )
    .option('--json', 'print the plan as JSON')
    .action((o: { json?: boolean }) =>
      runCommand(async () => {
        const m = await prepare(o.json ? () => undefined : out);
        try {
          if (!m.plan) {
            if (o.json) out(JSON.stringify({ from: m.fromHash, to: m.fromHash, steps: [], refusals: [] }));
            return 0;
          }
          if (o.json) out(JSON.stringify({ from: m.fromHash, to: modelHash(m.model), ...m.plan }, null, 2));
          else printPlan(m);
          if (m.plan.refusals.length) throw refused(m.plan);
          return 0;
        } finally {
          await m.dialect.close();
        }
      }),
    );
  migrate
    .command('apply')
    .description(
      'show the migration, ask for confirmation, apply the DDL and record the model, reset the conform group for the rebuild',
    )
    .option('--yes', 'apply without asking (required when not on a terminal)')
    .action((o: { yes?: boolean }) =>
      runCommand(async () => {
        const m = await prepare(out);
        try {
          if (!m.plan) return 0;
          printPlan(m);
          if (m.plan.refusals.length) throw refused(m.plan);
          if (!o.yes && !(await confirm())) {
            out('Not applied.');
            return 1;
          }
          await apply(m.config, m.dialect, m.fromHash, m.plan, m.model);
          return 0;
        } finally {
          await m.dialect.close();
        }
      }),
    );
}

interface Prepared {
  config: StarlingConfig;
  model: StarModel;
  dialect: PostgresWarehouse;
  schema: string;
  fromHash: string;
  fromVersion: number;
  /** Undefined: the warehouse already holds the configured model (printed). */
  plan?: MigrationPlan;
}

/** Loads the model and the warehouse's record and plans; `say` prints the header (silent for --json). */
async function prepare(say: (line: string) => void): Promise<Prepared> {
  const config = loadConfig();
  const { model, file } = await loadModel(config.env.STARLING_MODEL_FILE);
  const schema = config.pipeline.warehouseSchema ?? model.name;
  const dialect = await warehouseDialect(config, schema);
  if (!(dialect instanceof PostgresWarehouse)) {
    await dialect.close();
    throw new UserError(
      'starling migrate: only the PostgreSQL warehouse can be migrated yet (not Db2).',
      'MIGRATE_DIALECT',
    );
  }
  const recorded = await dialect.readModel().catch(async (e: Error) => {
    await dialect.close();
    throw new UserError(
      `Cannot read the model the warehouse schema "${schema}" records: ${e.message}`,
      'MIGRATE_WAREHOUSE',
    );
  });
  if (!recorded) {
    await dialect.close();
    throw new UserError(
      `The warehouse schema "${schema}" records no model: there is no star to migrate yet (the warehouse sink records its model when it first creates the star, or at its first start on a star created before models were recorded).`,
      'MIGRATE_NO_MODEL',
    );
  }
  const base = {
    config,
    model,
    dialect,
    schema,
    fromHash: recorded.hash,
    fromVersion: recorded.version,
  };
  const source = file ?? 'the built-in SoftCart model';
  if (recorded.hash === modelHash(model)) {
    say(
      `The warehouse schema "${schema}" already holds this model (${source}, version ${recorded.version}): nothing to migrate.`,
    );
    return base;
  }
  say(
    `Migration of the warehouse schema "${schema}" from model version ${recorded.version} (${recorded.hash.slice(0, 12)}, applied ${recorded.appliedAt} by ${recorded.appliedBy}) to ${source} (${modelHash(model).slice(0, 12)}):`,
  );
  const plan = planMigration(recorded.model, model, {
    dialect: postgresDialect,
    schema,
    rawTopic: (s) =>
      `${config.topics.prefix}.${config.pipeline.namespaces.get(s.namespace) ?? s.namespace}.${s.table}`,
    conformGroup: config.pipeline.conformGroup,
    warehouseGroup: config.pipeline.warehouseGroup,
  });
  return { ...base, plan };
}

function printPlan(m: Prepared): void {
  out('');
  out(formatPlan(m.plan!, { warehouseGroup: m.config.pipeline.warehouseGroup }));
  out('');
}

function refused(plan: MigrationPlan): UserError {
  return new UserError(
    `migration refused (${plan.refusals.length} problem${plan.refusals.length === 1 ? '' : 's'} above); nothing was changed.`,
    'MIGRATE_REFUSED',
  );
}

async function confirm(): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new UserError(
      'starling migrate apply: not on a terminal, so it cannot ask for confirmation; pass --yes to apply.',
      'MIGRATE_CONFIRM',
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Apply this migration? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

async function apply(
  config: StarlingConfig,
  dialect: PostgresWarehouse,
  fromHash: string,
  plan: MigrationPlan,
  model: StarModel,
): Promise<void> {
  const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'starling-migrate' }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = [config.pipeline.conformGroup, config.pipeline.warehouseGroup];
    const active = await activeMembers(admin, groups);
    if (active.length)
      throw new UserError(
        `The pipeline is running: ${active.join('; ')}. Stop \`starling run\` (every process of these groups), migrate, then start it with the new model.`,
        'MIGRATE_RUNNING',
      );
    // Offsets first: should the DDL then fail, the replay re-applies the same changes with the old model,
    // which rewrites identical rows (equal positions) and loses nothing.
    const reset = await resetToEarliest(admin, plan.replay.group, plan.replay.topics);
    await dialect.migrate(fromHash, plan.statements, model);
    out(
      `Applied: ${plan.statements.length} DDL statement(s) and the new model record committed in one transaction.`,
    );
    if (reset.length)
      out(`Consumer group ${plan.replay.group} reset to the earliest offsets of ${reset.join(', ')}.`);
    out(
      `Start the pipeline with this model (\`starling run\` with the same STARLING_MODEL_FILE): it re-conforms the history and rebuilds ${plan.rewritten.join(', ') || 'nothing'}; \`starling lag --group ${plan.replay.group} --group ${config.pipeline.warehouseGroup}\` shows its progress.`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function activeMembers(admin: Admin, groups: string[]): Promise<string[]> {
  const { groups: described } = await admin.describeGroups(groups);
  return described
    .filter((g) => g.members.length > 0)
    .map(
      (g) =>
        `group ${g.groupId} has ${g.members.length} member${g.members.length === 1 ? '' : 's'} (${g.members
          .map((m) => `${m.clientId}@${m.clientHost.replace(/^\//, '')}`)
          .join(', ')})`,
    );
}

/**
 * The group's offsets on these topics moved to each partition's first retained offset. Topics the group
 * has never committed on are left alone: its consumers read a topic without offsets from the beginning.
 */
async function resetToEarliest(admin: Admin, group: string, topics: string[]): Promise<string[]> {
  const committed = new Set((await admin.fetchOffsets({ groupId: group })).map((t) => t.topic));
  const done: string[] = [];
  for (const topic of topics.filter((t) => committed.has(t))) {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: o.low })),
    });
    done.push(topic);
  }
  return done;
}
