import {
  type DdlOptions,
  type Dialect,
  deletedTable,
  planWarehouse,
  pointsTable,
  renderIndexes,
  renderTables,
  type TablePlan,
  VALID_TO_OPEN,
} from '../ddl/dialect-neutral.js';
import { IS_CURRENT, isVersioned, VALID_FROM, VALID_TO } from '../model/columns.js';
import type { AttrType, DimensionDef, SourceRef, StarModel } from '../model/types.js';
import { diffModels, type Step, typeText } from './diff.js';

/**
 * A migration: the diff's steps, each with the DDL the dialect renders for it and the rebuild it needs, plus
 * the refusals. Pure. Applying it (ops/cli/migrate.ts) runs `statements` in one transaction, records the
 * new model, and resets the conform group to the earliest offsets of `replay.topics`.
 *
 * Why a replay of the raw topics through the conform processors fills the new columns: every conformed
 * record carries the position of the raw change it comes from (deterministic: binlog coordinates and raw
 * offset), and the warehouse's guards accept a change at a position EQUAL to the one a row already reflects
 * (sinks/postgres/warehouse-dialect.ts): it is the same change, so rewriting it leaves the old columns as
 * they were and fills the columns added since. Older changes are still rejected, so during the rebuild a
 * type-1 member or a fact never moves back in time (readers see it as before, then completed), and nothing
 * is rebuilt aside and swapped (which would double the storage and need a swap every reader survives).
 * Chosen over resetting positions (rows would replay their whole history in place) and over a generation
 * column (one more column and guard condition on every table, for the same effect).
 * The SCD2 points accept the same rewrite (their new attribute columns are filled), and versions are
 * recomputed from the points on every change, so a dimension turned SCD2 gets its whole history back and
 * its facts are re-pointed to the version valid at their event time by the writer's set-based re-points.
 * The exception: while a dimension turned SCD2 is rebuilt, a member's versions grow change by change, so
 * until the replay has passed its last change its current version can show an older value; the star is
 * exact again when the conform and warehouse groups have caught up (`starling lag`). Surrogate keys are
 * hashes (streams/keys.ts), so every other member and fact keeps its key. The warehouse group keeps its
 * offsets: it applies the re-conformed records appended to the conformed topics (a new conformed topic is
 * read from its beginning).
 */
export interface PlannedStep {
  title: string;
  ddl: string[];
  /** What the rebuild does for this step (one line each). */
  rebuild: string[];
}

export interface MigrationPlan {
  steps: PlannedStep[];
  refusals: string[];
  /** Every DDL statement, in order (run in one transaction). */
  statements: string[];
  /** The conform group is reset to the earliest offsets of these raw topics. */
  replay: { group: string; topics: string[] };
  /** Tables whose rows the rebuild rewrites. */
  rewritten: string[];
  /** The two models differ only in ways that change no table (e.g. order): only the record is updated. */
  recordOnly: boolean;
}

export interface PlanContext {
  dialect: Dialect;
  schema: string;
  /** The raw topic of a model source (after the namespace mapping). */
  rawTopic(source: SourceRef): string;
  conformGroup: string;
  warehouseGroup: string;
}

export function planMigration(from: StarModel, to: StarModel, ctx: PlanContext): MigrationPlan {
  const { steps, refusals } = diffModels(from, to);
  const q = (id: string) => ctx.dialect.quote(id);
  const t = (name: string) => `${q(ctx.schema)}.${q(name)}`;
  const col = (type: AttrType) => ctx.dialect.columnType(type);
  const opts: DdlOptions = { schema: ctx.schema };
  const newTables = new Map(planWarehouse(to).map((x) => [x.name, x]));
  const dim = (name: string, m: StarModel) => m.dimensions.find((d) => d.name === name);
  const sources = new Map<string, SourceRef>();
  const rewritten = new Set<string>();
  const replaySource = (s: SourceRef) => sources.set(ctx.rawTopic(s), s);

  const planned: PlannedStep[] = [];
  for (const step of steps) planned.push(planStep(step));

  // Indexes the new model's facts have and the old ones lacked (re-points search by them). Named after
  // the old list's length so they never collide with the indexes the warehouse already has.
  const oldFacts = new Map(
    planWarehouse(from)
      .filter((x) => x.kind === 'fact')
      .map((x) => [x.name, x]),
  );
  for (const fact of to.facts) {
    const plan = newTables.get(fact.name)!;
    const old = oldFacts.get(fact.name);
    if (!old) continue; // a new fact's indexes come with its CREATE TABLE
    const have = new Set((old.indexes ?? []).map((cols) => cols.join('\u0000')));
    const missing = (plan.indexes ?? []).filter((cols) => !have.has(cols.join('\u0000')));
    missing.forEach((cols, i) => {
      const name = `${fact.name}_i${(old.indexes?.length ?? 0) + i + 1}`;
      planned.push({
        title: `index ${fact.name} (${cols.join(', ')}) for set-based re-pointing`,
        ddl: [`CREATE INDEX ${q(name)} ON ${t(fact.name)} (${cols.map(q).join(', ')})`],
        rebuild: [],
      });
    });
  }

  const statements = planned.flatMap((s) => s.ddl);
  return {
    steps: planned,
    refusals,
    statements,
    replay: { group: ctx.conformGroup, topics: [...sources.keys()].sort() },
    rewritten: [...rewritten].sort(),
    recordOnly: refusals.length === 0 && steps.length === 0,
  };

  function create(names: string[]): string[] {
    const plans = names.map((n) => newTables.get(n)).filter((x): x is TablePlan => x !== undefined);
    return [...renderTables(plans, ctx.dialect, opts), ...renderIndexes(plans, ctx.dialect, opts)];
  }

  function planStep(step: Step): PlannedStep {
    switch (step.kind) {
      case 'add-attribute': {
        const d = dim(step.dimension, to)!;
        const before = dim(step.dimension, from)!;
        const a = step.attribute;
        const ddl = [`ALTER TABLE ${t(d.name)} ADD COLUMN ${q(a.name)} ${col(a.type)}`];
        // A dimension becoming versioned in this migration gets its points table whole (scd1-to-scd2).
        if (isVersioned(before))
          ddl.push(`ALTER TABLE ${t(pointsTable(d.name))} ADD COLUMN ${q(a.name)} ${col(a.type)}`);
        replaySource(d.source);
        rewritten.add(d.name);
        return {
          title: `add attribute ${a.name} (${typeText(a.type)}, SCD${step.scd}, from ${a.from}) to ${d.name}`,
          ddl,
          rebuild: [
            isVersioned(before)
              ? `${d.name}: every change point re-read, versions recomputed with ${a.name}`
              : `${d.name}: every member rewritten from its newest change, filling ${a.name}`,
          ],
        };
      }
      case 'add-measure': {
        const f = to.facts.find((x) => x.name === step.fact)!;
        const m = step.measure;
        replaySource(f.source);
        rewritten.add(f.name);
        return {
          title: `add measure ${m.name} (${typeText(m.type)}, ${'from' in m ? `from ${m.from}` : `= ${m.product.join(' × ')}`}) to ${f.name}`,
          ddl: [`ALTER TABLE ${t(f.name)} ADD COLUMN ${q(m.name)} ${col(m.type)}`],
          rebuild: [`${f.name}: every fact rewritten from its newest change, filling ${m.name}`],
        };
      }
      case 'add-dimension': {
        const d = step.dimension;
        replaySource(d.source);
        rewritten.add(d.name);
        return {
          title: `add dimension ${d.name} (SCD${isVersioned(d) ? 2 : 1}, natural key ${d.naturalKey.name} from ${d.source.namespace}.${d.source.table})`,
          ddl: create([d.name, ...(isVersioned(d) ? [pointsTable(d.name)] : [])]),
          rebuild: [`${d.name}: every member built from ${d.source.namespace}.${d.source.table}'s history`],
        };
      }
      case 'add-link': {
        const f = to.facts.find((x) => x.name === step.fact)!;
        const d = dim(step.link.dimension, to)!;
        const ddl = [`ALTER TABLE ${t(f.name)} ADD COLUMN ${q(d.surrogateKey)} ${col({ type: 'bigint' })}`];
        if ('column' in step.link)
          ddl.push(`ALTER TABLE ${t(f.name)} ADD COLUMN ${q(d.naturalKey.name)} ${col(d.naturalKey.type)}`);
        replaySource(f.source);
        rewritten.add(f.name);
        const how =
          'column' in step.link
            ? `by ${f.source.table}.${step.link.column}`
            : `through ${step.link.through.dimension}.${step.link.through.attribute}`;
        return {
          title: `link ${f.name} to ${d.name} ${how} (key column ${d.surrogateKey})`,
          ddl,
          rebuild: [`${f.name}: every fact rewritten, resolving ${d.surrogateKey} at its event time`],
        };
      }
      case 'add-fact': {
        const f = step.fact;
        replaySource(f.source);
        rewritten.add(f.name);
        return {
          title: `add fact ${f.name} (grain ${f.grain.map((g) => g.name).join(', ')}, from ${f.source.namespace}.${f.source.table})`,
          ddl: create([f.name, deletedTable(f.name)]),
          rebuild: [`${f.name}: every fact built from ${f.source.namespace}.${f.source.table}'s history`],
        };
      }
      case 'scd1-to-scd2':
        return planScd2(step, dim(step.dimension, to)!);
      case 'widen-type': {
        const ddl = [alterType(step.table, step.column, step.to)];
        const d = step.dimension ? dim(step.dimension, from) : undefined;
        if (d && isVersioned(d)) ddl.push(alterType(pointsTable(d.name), step.column, step.to));
        return {
          title: `widen ${step.table}.${step.column} ${typeText(step.from)} -> ${typeText(step.to)}`,
          ddl,
          rebuild: [],
        };
      }
    }
  }

  function alterType(table: string, column: string, type: AttrType): string {
    return ctx.dialect.name === 'db2'
      ? `ALTER TABLE ${t(table)} ALTER COLUMN ${q(column)} SET DATA TYPE ${col(type)}`
      : `ALTER TABLE ${t(table)} ALTER COLUMN ${q(column)} TYPE ${col(type)}`;
  }

  function planScd2(step: Extract<Step, { kind: 'scd1-to-scd2' }>, d: DimensionDef): PlannedStep {
    const ddl: string[] = [];
    const bool = ctx.dialect.booleanLiteral;
    if (step.becomesVersioned) {
      // Each type-1 member becomes one version open over all time (what it meant until now); the replay
      // then replaces it by the versions its history gives and re-points the facts.
      ddl.push(
        `ALTER TABLE ${t(d.name)} ADD COLUMN ${q(VALID_FROM)} ${col({ type: 'timestamp' })} DEFAULT ${ctx.dialect.timestampLiteral('0001-01-01 00:00:00')} NOT NULL`,
        `ALTER TABLE ${t(d.name)} ALTER COLUMN ${q(VALID_FROM)} DROP DEFAULT`,
        `ALTER TABLE ${t(d.name)} ADD COLUMN ${q(VALID_TO)} ${col({ type: 'timestamp' })} DEFAULT ${ctx.dialect.timestampLiteral(VALID_TO_OPEN)} NOT NULL`,
        `ALTER TABLE ${t(d.name)} ADD COLUMN ${q(IS_CURRENT)} ${col({ type: 'boolean' })} DEFAULT ${bool(true)} NOT NULL`,
        // PostgreSQL's name for the type-1 UNIQUE (natural key) constraint of CREATE TABLE.
        `ALTER TABLE ${t(d.name)} DROP CONSTRAINT ${q(`${d.name}_${d.naturalKey.name}_key`)}`,
        `ALTER TABLE ${t(d.name)} ADD UNIQUE (${q(d.naturalKey.name)}, ${q(VALID_FROM)})`,
        ...create([pointsTable(d.name)]),
      );
    }
    replaySource(d.source);
    rewritten.add(d.name);
    const facts = to.facts.filter((f) => f.dimensions.some((l) => l.dimension === d.name && 'column' in l));
    for (const f of facts) rewritten.add(f.name);
    const what = step.attributes.length
      ? step.attributes.map((a) => `${d.name}.${a} SCD1 -> SCD2`).join(', ')
      : `${d.name} becomes SCD2`;
    return {
      title: `${what}${step.becomesVersioned ? ` (${d.name} becomes versioned: ${VALID_FROM}, ${VALID_TO}, ${IS_CURRENT}, ${pointsTable(d.name)})` : ''}`,
      ddl,
      rebuild: [
        `${d.name}: every change of ${d.source.namespace}.${d.source.table} stored as a change point, versions rebuilt from them`,
        ...facts.map((f) => `${f.name}: facts re-pointed to the ${d.name} version valid at their event time`),
      ],
    };
  }
}

/** The plan as the CLI prints it. */
export function formatPlan(plan: MigrationPlan, ctx: { warehouseGroup: string }): string {
  const lines: string[] = [];
  if (plan.refusals.length) {
    lines.push(
      `This migration cannot be applied safely (${plan.refusals.length} problem${plan.refusals.length === 1 ? '' : 's'}):`,
    );
    for (const r of plan.refusals) lines.push(`  - ${r}`);
    return lines.join('\n');
  }
  if (plan.recordOnly)
    return 'No table changes (the models differ only in order or formatting): only the model record is updated.';
  plan.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.title}`);
    for (const sql of s.ddl) lines.push(...sql.split('\n').map((l, j) => `     ${j === 0 ? '' : '  '}${l}`));
    for (const r of s.rebuild) lines.push(`     rebuild: ${r}`);
  });
  lines.push('', "Rebuild from Kafka's history:");
  if (plan.replay.topics.length)
    lines.push(
      `  - consumer group ${plan.replay.group} replayed from the earliest offsets of ${plan.replay.topics.join(', ')}`,
      `  - consumer group ${ctx.warehouseGroup} keeps its offsets and applies the re-conformed records (new conformed topics from their beginning)`,
    );
  else lines.push('  - none (DDL only)');
  if (plan.rewritten.length) lines.push(`  - tables rewritten in place: ${plan.rewritten.join(', ')}`);
  return lines.join('\n');
}
