import { UserError } from '../../core/errors/user-error.js';

/**
 * The kinds of change the workload makes: insert (a sale, or now and then a new customer), update (one
 * column of a sale), delete (a sale), pk (a sale's rowid moves to a new unused id), country (a customer
 * moves country), late (a sale whose customer and/or product does not exist yet; the member follows a few
 * changes later) and category (a catalog product changes type). late and category write the catalog, so
 * they need a catalog target; they come last so that mixes without them draw exactly as before.
 */
export const OP_KINDS = ['insert', 'update', 'delete', 'pk', 'country', 'late', 'category'] as const;
export type OpKind = (typeof OP_KINDS)[number];
export type Mix = Record<OpKind, number>;

export const DEFAULT_MIX: Mix = {
  insert: 55,
  update: 25,
  delete: 10,
  pk: 5,
  country: 5,
  late: 0,
  category: 0,
};

/** Whether a mix makes catalog changes (and so needs somewhere to write them). */
export const writesCatalog = (mix: Mix): boolean => mix.late > 0 || mix.category > 0;

/**
 * Parses `insert=60,update=25,delete=10,pk=5`: non-negative integer weights, relative to their sum (they need
 * not add up to 100); kinds left out get 0. Every problem is reported at once.
 */
export function parseMix(text: string): Mix {
  const mix = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Mix;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^([a-z]+)=(.*)$/.exec(part);
    if (!m) {
      problems.push(`"${part}" is not kind=weight`);
      continue;
    }
    const [, kind = '', weight = ''] = m;
    if (!(OP_KINDS as readonly string[]).includes(kind)) problems.push(`unknown kind "${kind}"`);
    else if (seen.has(kind)) problems.push(`"${kind}" is given twice`);
    if (!/^\d+$/.test(weight))
      problems.push(`the weight of "${kind}" ("${weight}") is not a non-negative integer`);
    if ((OP_KINDS as readonly string[]).includes(kind) && /^\d+$/.test(weight) && !seen.has(kind))
      mix[kind as OpKind] = Number(weight);
    seen.add(kind);
  }
  if (problems.length === 0 && OP_KINDS.every((k) => mix[k] === 0)) problems.push('every weight is 0');
  if (problems.length > 0)
    throw new UserError(
      `--mix "${text}" is not valid: ${problems.join('; ')}. Use kind=weight pairs separated by commas, kinds ${OP_KINDS.join(', ')}, e.g. insert=60,update=25,delete=10,pk=5.`,
      'LOAD_MIX',
    );
  return mix;
}

/** The kind whose cumulative weight band contains r (a PRNG draw in [0, 1)). */
export function chooseKind(mix: Mix, r: number): OpKind {
  const total = OP_KINDS.reduce((s, k) => s + mix[k], 0);
  let at = r * total;
  for (const k of OP_KINDS) {
    if (at < mix[k]) return k;
    at -= mix[k];
  }
  return OP_KINDS.filter((k) => mix[k] > 0).at(-1)!;
}
