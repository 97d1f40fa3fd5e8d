import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import type { FactDef, StarModel } from '../../schemas/model/types.js';
import { softcartModel } from '../../schemas/softcart.js';
import { stagingName } from '../../sinks/postgres/sql.js';
import { compareTables } from './compare-table.js';
import { deadLetterReport } from './dead-letters.js';
import { planFact } from './fact-mapping.js';
import { type MariadbSource, mariadbSource, mysqlIdent } from './mariadb-source.js';
import { type PostgresSource, postgresSource } from './postgres-source.js';
import {
  planStagingPair,
  readSourceTables,
  readStagingTable,
  readStagingTableNames,
  type SourceTable,
} from './staging-pair.js';
import { TableSide } from './table-side.js';
import type { AggregateResult, DimensionCheckResult, ReconcileReport, TableResult } from './types.js';

/**
 * `starling reconcile`: compares the sources with the staging mirror (every captured table with a primary
 * key, or the chosen ones) and with the warehouse's fact tables (driven by the star model), by key-range
 * checksums computed in each database, narrowing down to the differing rows (compare-table.ts).
 */
export interface ReconcileOptions {
  /** `db.table` names; default every table with a primary key in the configured source databases. */
  tables?: string[];
  /** A differing range is fetched once it holds at most this many rows per side (default 256). */
  segmentRows?: number;
  /** Differences named per table before the search stops (default 1000). */
  limit?: number;
  /** Queries in flight per database (default 4). */
  concurrency?: number;
  model?: StarModel;
  /** List the keys with dead letters (read from Kafka); default true. */
  deadLetters?: boolean;
  onProgress?(p: { table: string; checked: number; total: number }): void;
}

export const DEFAULT_SEGMENT_ROWS = 256;
export const DEFAULT_LIMIT = 1000;
/** Debezium's signal table: Debezium's business, never mirrored. */
export const SIGNAL_TABLE = 'debezium_signal';

/** `db.table` -> its parts, or the problem with it. */
export function parseTableName(text: string): { db: string; table: string } | { problem: string } {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1 || text.trim() !== text)
    return { problem: `--table "${text}" is not of the form database.table` };
  return { db: text.slice(0, dot), table: text.slice(dot + 1) };
}

/** Every problem with the options, for one message. */
export function optionProblems(o: ReconcileOptions): string[] {
  const problems: string[] = [];
  for (const t of o.tables ?? []) {
    const p = parseTableName(t);
    if ('problem' in p) problems.push(p.problem);
  }
  const n = o.segmentRows;
  if (n !== undefined && !(Number.isSafeInteger(n) && n >= 1))
    problems.push(`--segment-rows "${n}" is not a whole number of at least 1`);
  return problems;
}

export function optionsError(problems: string[]): UserError {
  return new UserError(
    problems.length === 1
      ? problems[0]!
      : `the reconcile options have ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    'RECONCILE_OPTIONS',
  );
}

interface Context {
  config: StarlingConfig;
  model: StarModel;
  source: MariadbSource;
  staging: PostgresSource;
  warehouse: PostgresSource | undefined;
  sourceTables: Map<string, SourceTable>;
  compare: { segmentRows: number; limit: number; concurrency: number };
  onProgress: ReconcileOptions['onProgress'];
}

export async function reconcile(
  config: StarlingConfig,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const problems = optionProblems(options);
  if (problems.length > 0) throw optionsError(problems);
  const segmentRows = options.segmentRows ?? DEFAULT_SEGMENT_ROWS;
  const concurrency = options.concurrency ?? 4;
  const model = options.model ?? softcartModel;
  const selected = options.tables?.map((t) => parseTableName(t) as { db: string; table: string });
  const databases = [...new Set(selected ? selected.map((s) => s.db) : config.topics.sourceDatabases)];
  const warehouseUrl = config.postgres.warehouseUrl;
  const ctx: Context = {
    config,
    model,
    source: mariadbSource(config, concurrency),
    staging: postgresSource(config.postgres.stagingUrl, 'staging', concurrency),
    warehouse: /^postgres(ql)?:/i.test(warehouseUrl)
      ? postgresSource(warehouseUrl, 'warehouse', concurrency)
      : undefined,
    sourceTables: new Map(),
    compare: { segmentRows, limit: options.limit ?? DEFAULT_LIMIT, concurrency },
    onProgress: options.onProgress,
  };
  try {
    const all = await readSourceTables(ctx.source.run, databases);
    for (const t of all) ctx.sourceTables.set(`${t.db}.${t.name}`, t);
    if (selected) {
      const wrong: string[] = [];
      for (const s of selected) {
        const t = ctx.sourceTables.get(`${s.db}.${s.table}`);
        if (!t) wrong.push(`--table ${s.db}.${s.table}: no such table in MariaDB`);
        else if (s.table === SIGNAL_TABLE)
          wrong.push(`--table ${s.db}.${s.table}: Debezium's signal table is not mirrored`);
        else if (t.key.length === 0)
          wrong.push(
            `--table ${s.db}.${s.table}: it has no primary key, so the staging sink does not mirror it`,
          );
      }
      if (wrong.length > 0) throw optionsError(wrong);
    }
    const inScope = selected
      ? [...new Set(selected.map((s) => `${s.db}.${s.table}`))].map((id) => ctx.sourceTables.get(id)!)
      : all.filter((t) => t.name !== SIGNAL_TABLE);
    inScope.sort((a, b) => (a.db === b.db ? cmp(a.name, b.name) : cmp(a.db, b.db)));

    const results: TableResult[] = [];
    for (const t of inScope) results.push(await stagingResult(ctx, t));
    if (!selected) {
      // Staging holds each source table under its staging name (stagingName: long names are mapped).
      const stagingNames = new Set(all.map((t) => `${t.db}.${stagingName(t.name)}`));
      for (const db of databases)
        for (const name of await readStagingTableNames(ctx.staging.run, db))
          if (!stagingNames.has(`${db}.${name}`))
            results.push({
              ...empty('staging', db, name, db, name, 'staging'),
              status: 'differs',
              problems: [`table in staging only: MariaDB has no table ${db}.${name}`],
            });
    }
    for (const fact of model.facts) {
      const db = config.pipeline.namespaces.get(fact.source.namespace) ?? fact.source.namespace;
      const id = `${db}.${fact.source.table}`;
      const wanted = selected ? inScope.some((t) => `${t.db}.${t.name}` === id) : databases.includes(db);
      if (wanted) results.push(await factResult(ctx, fact, db));
    }
    const deadLetters =
      options.deadLetters === false
        ? undefined
        : await deadLetterReport(config, {
            source: ctx.source.run,
            warehouse: ctx.warehouse?.run,
            sourceKeys: new Map([...ctx.sourceTables].map(([id, t]) => [id, t.key])),
            model,
            warehouseSchema: config.pipeline.warehouseSchema ?? model.name,
          });
    return {
      at: new Date().toISOString(),
      segmentRows,
      clean: results.every((r) => r.status !== 'differs'),
      tables: results,
      ...(deadLetters ? { deadLetters } : {}),
    };
  } finally {
    await Promise.allSettled([ctx.source.close(), ctx.staging.close(), ctx.warehouse?.close()]);
  }
}

function progress(ctx: Context, table: string) {
  const report = ctx.onProgress;
  return report ? (p: { checked: number; total: number }) => report({ table, ...p }) : undefined;
}

async function stagingResult(ctx: Context, t: SourceTable): Promise<TableResult> {
  const base = { ...empty('staging', t.db, t.name, t.db, t.name, 'staging'), keyColumns: t.key };
  if (t.key.length === 0)
    return { ...base, status: 'not-checked', reason: 'no primary key: the staging sink does not mirror it' };
  const mirror = await readStagingTable(ctx.staging.run, t.db, t.name);
  const planned = planStagingPair(t, mirror);
  if (!planned.ok) {
    let counts: TableResult['counts'] = null;
    if (!mirror) {
      const rows = await ctx.source.run(`SELECT COUNT(*) FROM ${mysqlIdent(t.db)}.${mysqlIdent(t.name)}`, []);
      counts = { source: Number(rows[0]![0]), target: 0 };
    }
    return {
      ...base,
      counts,
      status: planned.problems.length > 0 ? 'differs' : 'not-checked',
      reason: planned.problems.length > 0 ? undefined : planned.notes.join('; '),
      problems: planned.problems,
      notes: planned.notes,
    };
  }
  const { plan } = planned;
  const r = await compareTables(
    new TableSide(plan.source, ctx.source.run),
    new TableSide(plan.target, ctx.staging.run),
    plan.columns,
    { ...ctx.compare, onProgress: progress(ctx, `${base.source} -> staging`) },
  );
  return finish(
    { ...base, columns: plan.columns.map((c) => c.name), problems: planned.problems, notes: plan.notes },
    r,
  );
}

async function factResult(ctx: Context, fact: FactDef, db: string): Promise<TableResult> {
  const { model, warehouse } = ctx;
  const schema = ctx.config.pipeline.warehouseSchema ?? model.name;
  const base = {
    ...empty('fact', db, fact.source.table, schema, fact.name, 'warehouse'),
    keyColumns: fact.grain.map((g) => g.name),
  };
  if (fact.source.shape !== 'row')
    return { ...base, status: 'not-checked', reason: 'its source is a document collection (MongoDB)' };
  if (!warehouse)
    return {
      ...base,
      status: 'not-checked',
      reason: 'the warehouse is not PostgreSQL (reconcile compares facts in a PostgreSQL warehouse)',
    };
  const src = ctx.sourceTables.get(`${db}.${fact.source.table}`);
  if (!src)
    return {
      ...base,
      status: 'differs',
      problems: [`no source table ${db}.${fact.source.table} in MariaDB`],
    };
  const exists = await warehouse.run(
    'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
    [schema, fact.name],
  );
  if (exists.length === 0)
    return { ...base, status: 'differs', problems: [`no table "${schema}"."${fact.name}" in the warehouse`] };
  const planned = planFact(model, fact, src, schema);
  if (!planned.ok) return { ...base, status: 'differs', problems: planned.problems };
  const { plan } = planned;
  const r = await compareTables(
    new TableSide(plan.source, ctx.source.run),
    new TableSide(plan.target, warehouse.run),
    plan.columns,
    { ...ctx.compare, onProgress: progress(ctx, `${base.source} -> warehouse ${fact.name}`) },
  );
  const [[sourceAgg], [targetAgg]] = await Promise.all([
    ctx.source.run(plan.aggregates.source, []),
    warehouse.run(plan.aggregates.target, []),
  ]);
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const aggregates: AggregateResult[] = plan.aggregates.names.map((name, i) => {
    const a = text(sourceAgg![i]);
    const b = text(targetAgg![i]);
    return { name, source: a, target: b, equal: a === b };
  });
  const dimensions: DimensionCheckResult[] = [];
  for (const check of plan.dimensionChecks) {
    const rows = await warehouse.run(check.sql, []);
    if (rows.length > 0)
      dimensions.push({
        dimension: check.dimension,
        rule: check.rule,
        count: Number(rows[0]![0]),
        examples: rows.map((row) => row.slice(1).map((v) => String(v))),
      });
  }
  const result = finish({ ...base, columns: plan.columns.map((c) => c.name) }, r);
  result.aggregates = aggregates;
  result.dimensions = dimensions;
  if (aggregates.some((a) => !a.equal) || dimensions.length > 0) result.status = 'differs';
  return result;
}

function finish(base: TableResult, r: Awaited<ReturnType<typeof compareTables>>): TableResult {
  const [a, b] = r.root;
  const notes = [...base.notes];
  if (r.unexplained > 0)
    notes.push(
      `${r.unexplained} segment${r.unexplained === 1 ? '' : 's'} had different checksums but equal rows when fetched (rows changing while reconciling?)`,
    );
  const differs = base.problems.length > 0 || r.differences.length > 0 || !r.complete;
  return {
    ...base,
    notes,
    status: differs ? 'differs' : 'ok',
    counts: { source: a.count, target: b.count },
    checksums: { source: a.sum, target: b.sum },
    differences: r.differences,
    complete: r.complete,
    segments: { checked: r.checked, fetched: r.fetched },
  };
}

function empty(
  kind: 'staging' | 'fact',
  db: string,
  table: string,
  targetSchema: string,
  targetTable: string,
  targetLabel: string,
): TableResult {
  return {
    kind,
    source: `${db}.${table}`,
    target: `${targetSchema}.${targetTable}`,
    targetLabel,
    status: 'ok',
    keyColumns: [],
    columns: [],
    counts: null,
    checksums: null,
    problems: [],
    notes: [],
    differences: [],
    complete: true,
    segments: { checked: 0, fetched: 0 },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
