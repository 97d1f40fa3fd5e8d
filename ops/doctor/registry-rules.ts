/**
 * The rules for the schema registry: pure functions of RegistryFacts. Debezium registers a new schema
 * version whenever a captured table changes; a compatibility level that rejects that version fails the
 * Avro converter and stops the connector task, which stops capture of every table. Starling's sinks check
 * each schema change themselves (and dead-letter what they cannot apply), so the stack sets NONE.
 */
import type { RegistryFacts } from './registry-facts.js';
import { type Finding, ok, problem, warn } from './types.js';

const S = 'registry' as const;

export function compatibilityFix(url: string, subject?: string): string {
  return `curl -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data '{"compatibility":"NONE"}' ${url}/config${subject === undefined ? '' : `/${encodeURIComponent(subject)}`}`;
}

/** One level's finding: NONE is fine, BACKWARD rejects some changes, the rest reject common ones. */
export function levelFinding(check: string, level: string, fix: string): Finding {
  const l = level.toUpperCase();
  if (l === 'NONE') return ok(S, check, 'NONE');
  if (l === 'BACKWARD')
    return warn(
      S,
      check,
      'BACKWARD',
      "a NOT NULL column added without a default, or a column's type changed, is rejected: the connector task fails and capture stops for every table",
      fix,
    );
  return problem(
    S,
    check,
    l,
    `${l} rejects dropping a column${l.startsWith('FULL') ? ', adding a required one' : ''}${l.endsWith('_TRANSITIVE') ? ' and anything incompatible with any earlier version' : ''}: Debezium's next schema change fails the connector task and capture stops for every table`,
    fix,
  );
}

export function registryRules(f: RegistryFacts): Finding[] {
  const out = [levelFinding('global compatibility', f.global, compatibilityFix(f.url))];
  const own = f.subjects.filter((s) => s.level.toUpperCase() !== f.global.toUpperCase());
  for (const s of own)
    out.push(levelFinding(`subject ${s.subject}`, s.level, compatibilityFix(f.url, s.subject)));
  const inheriting = f.subjects.length - own.length;
  out.push(
    ok(
      S,
      'subjects',
      `${f.subjects.length} under the prefix${inheriting ? `, ${inheriting} at the global level` : ''}`,
    ),
  );
  return out;
}
