import { createHash } from 'node:crypto';
import type { TablePlan } from '../ddl/dialect-neutral.js';
import type { StarModel } from '../model/types.js';

/**
 * The model a warehouse holds, recorded in the star's own schema: one row per model the warehouse was
 * created with or migrated to (`version` 1, 2, ...), so `starling migrate plan` can diff what the tables
 * ARE against what is configured, and the warehouse sink can refuse to write a star built for another
 * model (it would silently drop or NULL columns).
 */
export const MODEL_TABLE = '_starling_model';

export interface ModelRecord {
  version: number;
  hash: string;
  model: StarModel;
  /** ISO text, UTC. */
  appliedAt: string;
  /** 'run' (recorded when the warehouse sink first created the star) or 'migrate'. */
  appliedBy: string;
}

export function modelTablePlan(): TablePlan {
  return {
    name: MODEL_TABLE,
    kind: 'bookkeeping',
    columns: [
      { name: 'version', type: { type: 'int' }, nullable: false, role: 'natural-key' },
      { name: 'hash', type: { type: 'text', maxLength: 64 }, nullable: false, role: 'attribute' },
      // Unbounded text: a model's JSON has no useful upper bound (TEXT in PostgreSQL).
      { name: 'model', type: { type: 'text' }, nullable: false, role: 'attribute' },
      { name: 'applied_at', type: { type: 'timestamp' }, nullable: false, role: 'attribute' },
      { name: 'applied_by', type: { type: 'text', maxLength: 32 }, nullable: false, role: 'attribute' },
    ],
    primaryKey: ['version'],
    unique: [],
  };
}

/** JSON with object keys sorted at every level: the same model always has the same text and hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** sha256 of the canonical JSON, hex. Array order counts (it orders columns and links), key order does not. */
export function modelHash(model: StarModel): string {
  return createHash('sha256').update(canonicalJson(model)).digest('hex');
}
