import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../core/errors/user-error.js';
import { SOFTCART_SOURCE_COLUMNS, softcartModel } from '../softcart.js';
import type { StarModel } from './types.js';
import { type SourceColumns, validateModel } from './validate.js';

/**
 * The star model a command runs: the ES module named by STARLING_MODEL_FILE (its default export, or its
 * `model` export; a `.json` file is read as the model itself), else SoftCart. One loader for `starling
 * run`, `reconcile` and `migrate`, so they can never disagree on the model. It is validated before it is
 * returned, and every problem (the file, the export, the model) is reported in one UserError.
 *
 * A module may also export `sourceColumns` (the SourceColumns of its sources) for the validator's column
 * checks; without it the SoftCart sources' columns are used, which fits any model over the SoftCart sources.
 */
export interface LoadedModel {
  model: StarModel;
  /** The file it came from; undefined for the built-in SoftCart model. */
  file?: string;
}

export async function loadModel(file: string | undefined, cwd = process.cwd()): Promise<LoadedModel> {
  if (file === undefined || file.trim() === '') {
    assertValid(softcartModel, SOFTCART_SOURCE_COLUMNS, 'the built-in SoftCart model');
    return { model: softcartModel };
  }
  const path = resolve(cwd, file);
  const where = `STARLING_MODEL_FILE (${path})`;
  if (!existsSync(path)) throw new UserError(`${where}: file not found.`, 'MODEL_FILE');
  let mod: Record<string, unknown>;
  try {
    mod = path.endsWith('.json')
      ? { default: JSON.parse(readFileSync(path, 'utf8')) }
      : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (e) {
    throw new UserError(`${where}: cannot be loaded: ${(e as Error).message}`, 'MODEL_FILE');
  }
  const model = (mod.default ?? mod.model) as StarModel | undefined;
  const problems = shapeProblems(model);
  if (problems.length)
    throw new UserError(
      `${where}: no model exported (a default export or an export named "model" holding a StarModel):\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
      'MODEL_FILE',
    );
  const sources = (mod.sourceColumns as SourceColumns | undefined) ?? SOFTCART_SOURCE_COLUMNS;
  assertValid(model!, sources, where);
  return { model: model!, file: path };
}

/** The minimal shape the validator needs to walk the model without throwing. */
export function shapeProblems(model: unknown): string[] {
  if (model === undefined || model === null) return ['the module exports neither `default` nor `model`'];
  if (typeof model !== 'object') return [`the export is a ${typeof model}, not an object`];
  const m = model as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof m.name !== 'string') problems.push('`name` is not a string');
  if (!Array.isArray(m.dimensions)) problems.push('`dimensions` is not an array');
  if (!Array.isArray(m.facts)) problems.push('`facts` is not an array');
  if (typeof m.dateDimension !== 'object' || m.dateDimension === null)
    problems.push('`dateDimension` is not an object');
  return problems;
}

function assertValid(model: StarModel, sources: SourceColumns, where: string): void {
  const problems = validateModel(model, sources);
  if (problems.length > 0)
    throw new UserError(
      `${where}: the star model "${model.name}" has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
      'MODEL_INVALID',
    );
}
