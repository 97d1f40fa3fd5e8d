import type { AttrType, DateDimensionDef, DimensionDef, FactDef, StarModel } from './types.js';

/**
 * The warehouse columns each model element becomes: one definition shared by the validator (duplicate and
 * length checks) and the DDL planner, so what is checked is exactly what is created.
 */

export interface PlannedColumn {
  name: string;
  type: AttrType;
  nullable: boolean;
  /** What the column is, for comments and the runtime. */
  role:
    | 'surrogate-key'
    | 'natural-key'
    | 'attribute'
    | 'valid-from'
    | 'valid-to'
    | 'is-current'
    | 'inferred'
    | 'position'
    | 'date'
    | 'grain'
    | 'dimension-key'
    | 'link-natural-key'
    | 'event-time'
    | 'date-key'
    | 'measure';
}

/** Bookkeeping columns of dimension tables (every dimension has `inferred` and `_starling_pos`). */
export const VALID_FROM = 'valid_from';
export const VALID_TO = 'valid_to';
export const IS_CURRENT = 'is_current';
export const INFERRED = 'inferred';
/** The source position of the change a row reflects: writes are guarded by it (text order = change order). */
export const POSITION = '_starling_pos';

/** A fact's event time (picks the date member and the SCD2 versions; set-based re-pointing filters on it). */
export const EVENT_TIME = 'event_time';

/** The position column's type: fixed-width text (see the staging mirror's `_starling_pos`). */
export const POSITION_TYPE: AttrType = { type: 'text', maxLength: 128 };

/** A dimension is versioned (SCD2) when it or any of its attributes says type 2. */
export function isVersioned(dim: DimensionDef): boolean {
  return dim.scd === 2 || dim.attributes.some((a) => a.scd === 2);
}

export function dimensionColumns(dim: DimensionDef): PlannedColumn[] {
  const cols: PlannedColumn[] = [
    { name: dim.surrogateKey, type: { type: 'bigint' }, nullable: false, role: 'surrogate-key' },
    { name: dim.naturalKey.name, type: dim.naturalKey.type, nullable: false, role: 'natural-key' },
    // Attributes are nullable: an inferred (late-arriving) member has only its natural key.
    ...dim.attributes.map(
      (a): PlannedColumn => ({ name: a.name, type: a.type, nullable: true, role: 'attribute' }),
    ),
  ];
  if (isVersioned(dim))
    cols.push(
      { name: VALID_FROM, type: { type: 'timestamp' }, nullable: false, role: 'valid-from' },
      { name: VALID_TO, type: { type: 'timestamp' }, nullable: false, role: 'valid-to' },
      { name: IS_CURRENT, type: { type: 'boolean' }, nullable: false, role: 'is-current' },
    );
  cols.push(
    { name: INFERRED, type: { type: 'boolean' }, nullable: false, role: 'inferred' },
    { name: POSITION, type: POSITION_TYPE, nullable: true, role: 'position' },
  );
  return cols;
}

/** The date dimension's fixed columns (streams/date-dimension.ts computes their values). */
export function dateDimensionColumns(dd: DateDimensionDef): PlannedColumn[] {
  const int: AttrType = { type: 'int' };
  const col = (name: string, type: AttrType): PlannedColumn => ({
    name,
    type,
    nullable: false,
    role: 'date',
  });
  return [
    { name: dd.surrogateKey, type: int, nullable: false, role: 'surrogate-key' },
    col('date', { type: 'date' }),
    col('year', int),
    col('quarter', int),
    col('quartername', { type: 'text', maxLength: 2 }),
    col('month', int),
    col('monthname', { type: 'text', maxLength: 9 }),
    col('day', int),
    col('weekday', int),
    col('weekdayname', { type: 'text', maxLength: 9 }),
  ];
}

/**
 * A fact table: the grain columns (the primary key), one BIGINT key per dimension link (named after the
 * dimension's surrogate-key column; unknown dimensions are skipped here and reported by the validator), the
 * natural key of every directly linked dimension (named after that dimension's natural key) and the event
 * time — kept so that a dimension change arriving after its facts re-points them with one set-based UPDATE
 * (docs/hard-parts.md) — the date key, the measures, and the position column.
 */
export function factColumns(fact: FactDef, model: StarModel): PlannedColumn[] {
  const cols: PlannedColumn[] = fact.grain.map((g) => ({
    name: g.name,
    type: g.type,
    nullable: false,
    role: 'grain',
  }));
  for (const link of fact.dimensions) {
    const dim = model.dimensions.find((d) => d.name === link.dimension);
    // Nullable: a fact whose through-link resolves to nothing (no attribute value) has no member.
    if (dim)
      cols.push({ name: dim.surrogateKey, type: { type: 'bigint' }, nullable: true, role: 'dimension-key' });
  }
  for (const link of fact.dimensions) {
    const dim = model.dimensions.find((d) => d.name === link.dimension);
    if (dim && 'column' in link)
      cols.push({
        name: dim.naturalKey.name,
        type: dim.naturalKey.type,
        nullable: true,
        role: 'link-natural-key',
      });
  }
  cols.push({ name: EVENT_TIME, type: { type: 'timestamp' }, nullable: false, role: 'event-time' });
  cols.push({
    name: model.dateDimension.surrogateKey,
    type: { type: 'int' },
    nullable: false,
    role: 'date-key',
  });
  for (const m of fact.measures) cols.push({ name: m.name, type: m.type, nullable: true, role: 'measure' });
  cols.push({ name: POSITION, type: POSITION_TYPE, nullable: false, role: 'position' });
  return cols;
}
