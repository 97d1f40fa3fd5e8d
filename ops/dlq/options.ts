import { UserError } from '../../core/errors/user-error.js';
import type { Selection } from './select.js';

/** The options as commander hands them over (repeatable ones as arrays). */
export interface DlqCliOptions {
  group?: string[];
  code?: string[];
  topic?: string[];
  limit?: string;
  json?: boolean;
  dryRun?: boolean;
}

export interface ListSettings {
  /** undefined: every group with a dead-letter topic */
  groups?: string[];
  json: boolean;
}

export interface ShowSettings {
  group: string;
  selection: Selection;
  limit: number;
  json: boolean;
}

export interface ReplaySettings {
  group: string;
  selection: Selection;
  dryRun: boolean;
  json: boolean;
}

/** Settings as far as they could be read, and every problem with the options. */
export interface Parsed<T> {
  settings: T;
  problems: string[];
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 10_000;

export const collect = (v: string, acc: string[] = []) => [...acc, v];

function names(values: string[] | undefined, option: string, what: string, problems: string[]): string[] {
  const list = values ?? [];
  if (list.some((v) => v.trim() === '')) problems.push(`${option} needs ${what}`);
  return [...new Set(list.filter((v) => v.trim() !== ''))];
}

function oneGroup(o: DlqCliOptions, verb: string, problems: string[]): string {
  const groups = names(o.group, '--group', 'a consumer group name', problems);
  if (groups.length === 0 && (o.group ?? []).length === 0)
    problems.push(
      `--group is required: the consumer group whose dead letters to ${verb} (they are in dlq.<group>; \`starling dlq list\` shows every group that has them)`,
    );
  if (groups.length > 1)
    problems.push(`--group was given ${groups.length} times (${groups.join(', ')}); give one group`);
  return groups[0] ?? '';
}

function selection(o: DlqCliOptions, problems: string[]): Selection {
  return {
    codes: names(o.code, '--code', 'an error code (as `starling dlq list` shows them)', problems),
    topics: names(o.topic, '--topic', 'a source topic name', problems),
  };
}

export function parseListOptions(o: DlqCliOptions): Parsed<ListSettings> {
  const problems: string[] = [];
  const groups = names(o.group, '--group', 'a consumer group name', problems);
  return { settings: { groups: groups.length > 0 ? groups : undefined, json: o.json === true }, problems };
}

export function parseShowOptions(o: DlqCliOptions): Parsed<ShowSettings> {
  const problems: string[] = [];
  const group = oneGroup(o, 'show', problems);
  const sel = selection(o, problems);
  let limit = DEFAULT_LIMIT;
  if (o.limit !== undefined) {
    const n = Number(o.limit);
    if (o.limit.trim() === '' || !Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT)
      problems.push(`--limit "${o.limit}" is not a whole number from 1 to ${MAX_LIMIT}`);
    else limit = n;
  }
  return { settings: { group, selection: sel, limit, json: o.json === true }, problems };
}

export function parseReplayOptions(o: DlqCliOptions): Parsed<ReplaySettings> {
  const problems: string[] = [];
  const group = oneGroup(o, 'replay', problems);
  const sel = selection(o, problems);
  return { settings: { group, selection: sel, dryRun: o.dryRun === true, json: o.json === true }, problems };
}

/** One UserError naming every problem (exit code 2). */
export function optionsError(command: string, problems: string[]): UserError {
  return new UserError(
    problems.length === 1
      ? problems[0]!
      : `the ${command} options have ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    'DLQ_OPTIONS',
  );
}
