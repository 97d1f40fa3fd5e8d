import { EVENT_TIME, isVersioned, VALID_FROM, VALID_TO } from '../../schemas/model/columns.js';
import type { AttrType, FactDef, MeasureDef, StarModel } from '../../schemas/model/types.js';
import { quoteIdent, valueSql } from './canonical.js';
import type { SourceTable } from './staging-pair.js';
import type { SideSpec } from './table-side.js';
import type { Canon } from './types.js';

/**
 * A fact table of the star model compared with its source table, driven by the model alone: the grain is
 * the key (FactSales.orderid ↔ sales_data.rowid); each compared column pairs a warehouse column with the
 * source expression the conform processors derive it from:
 * - a plain measure ↔ its source column; a product measure ↔ the product of its operands' source
 *   expressions, computed in SQL (amount ↔ price * quantity), each at the measure's type;
 * - event_time ↔ the event-time column, and the date key ↔ that column's yyyymmdd;
 * - each directly linked dimension's natural key column ↔ the source column the link names.
 * Plus the fact aggregates (count, and the sum of each numeric measure, on both sides) and the dimension
 * rules every fact row must satisfy in the warehouse (its keys resolve to the members its natural keys and
 * event time name).
 */
export interface FactPlan {
  fact: FactDef;
  source: SideSpec;
  target: SideSpec;
  keyColumns: string[];
  columns: Array<{ name: string; canon: Canon }>;
  /** One query per side; each returns one row: count, then one sum per measure in `aggregateNames`. */
  aggregates: { names: string[]; source: string; target: string };
  dimensionChecks: Array<{ dimension: string; rule: string; sql: string }>;
}

/** A model type -> how its values are compared. */
export function canonOf(t: AttrType): Canon {
  switch (t.type) {
    case 'int':
    case 'bigint':
      return { kind: 'integer' };
    case 'decimal':
      return { kind: 'decimal', scale: t.scale };
    case 'text':
      return { kind: 'text' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'datetime' };
    case 'boolean':
      return { kind: 'boolean' };
  }
}

/** The date key of an event time: yyyymmdd (streams/date-dimension.ts). */
function mariadbDateKey(eventTime: string): string {
  return `CAST(DATE_FORMAT(${eventTime}, '%Y%m%d') AS UNSIGNED)`;
}

export function planFact(
  model: StarModel,
  fact: FactDef,
  source: SourceTable,
  warehouseSchema: string,
): { ok: true; plan: FactPlan } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const my = (n: string) => quoteIdent('mariadb', n);
  const pgq = (n: string) => quoteIdent('postgres', n);
  const has = new Set(source.columns.map((c) => c.name));
  const need = (column: string, what: string) => {
    if (!has.has(column))
      problems.push(`${what}: source column ${column} is not in ${source.db}.${source.name}`);
    return my(column);
  };

  const key = fact.grain.map((g) => ({
    name: g.name,
    from: need(g.from, `grain ${g.name}`),
    canon: canonOf(g.type),
  }));
  const columns: Array<{ name: string; source: string; canon: Canon }> = [];
  for (const link of fact.dimensions) {
    if (!('column' in link)) continue;
    const dim = model.dimensions.find((d) => d.name === link.dimension);
    if (!dim) continue;
    columns.push({
      name: dim.naturalKey.name,
      source: need(link.column, `link to ${dim.name}`),
      canon: canonOf(dim.naturalKey.type),
    });
  }
  const eventTime = need(fact.eventTime, EVENT_TIME);
  columns.push({ name: EVENT_TIME, source: eventTime, canon: { kind: 'datetime' } });
  columns.push({
    name: model.dateDimension.surrogateKey,
    source: mariadbDateKey(eventTime),
    canon: { kind: 'integer' },
  });
  const measureSql = new Map<string, string>();
  const sourceOf = (m: MeasureDef, seen: Set<string>): string => {
    const known = measureSql.get(m.name);
    if (known) return known;
    let sql: string;
    if ('from' in m) sql = need(m.from, `measure ${m.name}`);
    else {
      const operand = (name: string) => {
        const o = fact.measures.find((x) => x.name === name);
        if (!o || seen.has(name)) {
          problems.push(`measure ${m.name}: operand ${name} is not a measure of ${fact.name}`);
          return 'NULL';
        }
        return sourceOf(o, new Set([...seen, name]));
      };
      sql = `(${operand(m.product[0])} * ${operand(m.product[1])})`;
    }
    measureSql.set(m.name, sql);
    return sql;
  };
  for (const m of fact.measures)
    columns.push({ name: m.name, source: sourceOf(m, new Set([m.name])), canon: canonOf(m.type) });
  if (problems.length > 0) return { ok: false, problems };

  const sourceTable = `${my(source.db)}.${my(source.name)}`;
  const factTable = `${pgq(warehouseSchema)}.${pgq(fact.name)}`;
  const numeric = fact.measures.filter((m) => ['int', 'bigint', 'decimal'].includes(m.type.type));
  const scale = (m: MeasureDef) => (m.type.type === 'decimal' ? m.type.scale : 0);
  const aggregates = {
    names: ['count', ...numeric.map((m) => `sum(${m.name})`)],
    source: `SELECT COUNT(*)${numeric
      .map((m) => `, CAST(CAST(SUM(${measureSql.get(m.name)}) AS DECIMAL(65,${scale(m)})) AS CHAR)`)
      .join('')} FROM ${sourceTable}`,
    target: `SELECT count(*)${numeric
      .map((m) => `, round(sum(${pgq(m.name)})::numeric, ${scale(m)})::text`)
      .join('')} FROM ${factTable}`,
  };

  return {
    ok: true,
    plan: {
      fact,
      keyColumns: key.map((k) => k.name),
      columns: columns.map(({ name, canon }) => ({ name, canon })),
      source: {
        dialect: 'mariadb',
        table: sourceTable,
        key: key.map((k) => ({ sql: k.from, canon: k.canon })),
        columns: columns.map((c) => ({ sql: c.source, canon: c.canon })),
      },
      target: {
        dialect: 'postgres',
        table: factTable,
        key: key.map((k) => ({ sql: pgq(k.name), canon: k.canon })),
        columns: columns.map((c) => ({ sql: pgq(c.name), canon: c.canon })),
      },
      aggregates,
      dimensionChecks: dimensionChecks(model, fact, warehouseSchema),
    },
  };
}

/** At most this many example facts per broken dimension rule. */
export const DIMENSION_EXAMPLES = 20;

/**
 * The rules linking every fact row to its members, each as a query returning (total breaking it, grain...)
 * for the first DIMENSION_EXAMPLES facts breaking it, by grain:
 * - a directly linked dimension: the fact's key is NULL exactly when its natural key is, and otherwise
 *   names a member with that natural key (for SCD2, the version valid at the fact's event time);
 * - a dimension reached through another's attribute: the fact's key is NULL exactly when that member's
 *   attribute is, and otherwise names the member whose natural key is the attribute's value;
 * - the date dimension: the date key names a member.
 */
export function dimensionChecks(
  model: StarModel,
  fact: FactDef,
  schema: string,
): Array<{ dimension: string; rule: string; sql: string }> {
  const q = (n: string) => quoteIdent('postgres', n);
  const t = (n: string) => `${q(schema)}.${q(n)}`;
  const grain = fact.grain.map((g) => `f.${q(g.name)}`);
  const grainText = fact.grain.map((g) => valueSql('postgres', `f.${q(g.name)}`, canonOf(g.type)));
  const query = (joins: string, broken: string) =>
    `SELECT count(*) OVER (), ${grainText.join(', ')} FROM ${t(fact.name)} f ${joins} WHERE ${broken} ORDER BY ${grain.join(', ')} LIMIT ${DIMENSION_EXAMPLES}`;
  const out: Array<{ dimension: string; rule: string; sql: string }> = [];
  for (const link of fact.dimensions) {
    const dim = model.dimensions.find((d) => d.name === link.dimension);
    if (!dim) continue;
    const sk = q(dim.surrogateKey);
    const nk = q(dim.naturalKey.name);
    if ('column' in link) {
      const versioned = isVersioned(dim);
      const version = versioned
        ? ` OR NOT (d.${q(VALID_FROM)} <= f.${q(EVENT_TIME)} AND f.${q(EVENT_TIME)} < d.${q(VALID_TO)})`
        : '';
      out.push({
        dimension: dim.name,
        rule: `${dim.surrogateKey} names the ${dim.name} member of the fact's ${dim.naturalKey.name}${versioned ? ' valid at its event_time' : ''}`,
        sql: query(
          `LEFT JOIN ${t(dim.name)} d ON d.${sk} = f.${sk}`,
          `(f.${sk} IS NULL) <> (f.${nk} IS NULL) OR (f.${sk} IS NOT NULL AND (d.${sk} IS NULL OR d.${nk} IS DISTINCT FROM f.${nk}${version}))`,
        ),
      });
    } else {
      const via = model.dimensions.find((d) => d.name === link.through.dimension);
      if (!via || !fact.dimensions.some((l) => 'column' in l && l.dimension === via.name)) continue;
      const vk = q(via.surrogateKey);
      const attr = q(link.through.attribute);
      out.push({
        dimension: dim.name,
        rule: `${dim.surrogateKey} names the ${dim.name} member of the ${link.through.attribute} of the fact's ${via.name} member`,
        sql: query(
          `LEFT JOIN ${t(via.name)} v ON v.${vk} = f.${vk} LEFT JOIN ${t(dim.name)} d ON d.${sk} = f.${sk}`,
          `(f.${sk} IS NULL) <> (v.${attr} IS NULL) OR (f.${sk} IS NOT NULL AND (d.${sk} IS NULL OR d.${nk} IS DISTINCT FROM v.${attr}))`,
        ),
      });
    }
  }
  const dd = q(model.dateDimension.surrogateKey);
  out.push({
    dimension: model.dateDimension.name,
    rule: `${model.dateDimension.surrogateKey} names a ${model.dateDimension.name} member`,
    sql: query(`LEFT JOIN ${t(model.dateDimension.name)} d ON d.${dd} = f.${dd}`, `d.${dd} IS NULL`),
  });
  return out;
}
