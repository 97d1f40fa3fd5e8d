import type { DeadLetter } from './letter.js';

/** Which dead letters a command works on: any of the codes and any of the source topics (empty: all). */
export interface Selection {
  codes: string[];
  topics: string[];
}

export const EVERY_LETTER: Selection = { codes: [], topics: [] };

export function matches(s: Selection, l: Pick<DeadLetter, 'code' | 'sourceTopic'>): boolean {
  if (s.codes.length > 0 && !s.codes.includes(l.code)) return false;
  if (s.topics.length > 0 && (l.sourceTopic === null || !s.topics.includes(l.sourceTopic))) return false;
  return true;
}

/** "code 23514, source topic a.b.c" — for messages; "every dead letter" without a filter. */
export function describeSelection(s: Selection): string {
  const parts: string[] = [];
  if (s.codes.length > 0) parts.push(`code ${s.codes.join(' or ')}`);
  if (s.topics.length > 0) parts.push(`source topic ${s.topics.join(' or ')}`);
  return parts.length === 0 ? 'every dead letter' : parts.join(', ');
}
