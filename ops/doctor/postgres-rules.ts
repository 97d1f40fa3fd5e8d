/**
 * The rules for a target PostgreSQL database: pure functions of PostgresFacts. The sinks create a schema per
 * source database (staging) or the star's schema (warehouse) when missing, create tables in it, and alter
 * them when a source table gains columns or widens a type; the warehouse refreshes its report views.
 */
import type { PostgresFacts } from './postgres-facts.js';
import { type Finding, ok, problem, warn } from './types.js';

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function postgresRules(f: PostgresFacts): Finding[] {
  const S = f.role;
  const out: Finding[] = [
    ok(S, 'server version', `PostgreSQL ${f.version} as ${f.user}${f.superuser ? ' (superuser)' : ''}`),
  ];
  const db = ident(f.database);
  const user = ident(f.user);
  out.push(
    f.canConnect
      ? ok(S, 'CONNECT', `on database ${f.database}`)
      : problem(
          S,
          'CONNECT',
          `missing on database ${f.database}`,
          'the sinks open new connections as they need them: they would be refused',
          `GRANT CONNECT ON DATABASE ${db} TO ${user};`,
        ),
  );
  const missing = f.schemas.filter((s) => !s.exists).map((s) => s.name);
  if (f.canCreate) out.push(ok(S, 'CREATE on database', `may create schemas in ${f.database}`));
  else if (missing.length)
    out.push(
      problem(
        S,
        'CREATE on database',
        `missing, and schema${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist yet`,
        `the ${S} sink creates its schemas on first use: it would fail on the first record`,
        `GRANT CREATE ON DATABASE ${db} TO ${user}; (or, as an owner: ${missing.map((m) => `CREATE SCHEMA ${ident(m)} AUTHORIZATION ${user};`).join(' ')})`,
      ),
    );
  else
    out.push(
      warn(
        S,
        'CREATE on database',
        `missing (every schema Starling needs exists today)`,
        'a newly captured source database needs a new schema, which this user could not create',
        `GRANT CREATE ON DATABASE ${db} TO ${user};`,
      ),
    );
  for (const s of f.schemas.filter((x) => x.exists)) {
    const lacking = [!s.usage && 'USAGE', !s.create && 'CREATE'].filter((x): x is string => Boolean(x));
    out.push(
      lacking.length === 0
        ? ok(S, `schema ${s.name}`, 'USAGE and CREATE')
        : problem(
            S,
            `schema ${s.name}`,
            `missing ${lacking.join(', ')}`,
            `the ${S} sink creates and reads its tables in ${s.name}`,
            `GRANT ${lacking.join(', ')} ON SCHEMA ${ident(s.name)} TO ${user};`,
          ),
    );
    if (s.notOwned.length) {
      const owners = [...new Set(s.notOwned.map((t) => t.owner))];
      const shown = s.notOwned
        .slice(0, 5)
        .map((t) => `${t.table} (owner ${t.owner})`)
        .join(', ');
      out.push(
        problem(
          S,
          `tables in ${s.name}`,
          `${s.notOwned.length} not owned by ${f.user}: ${shown}${s.notOwned.length > 5 ? ', ...' : ''}`,
          'Starling alters its tables when a source table changes (ALTER TABLE) and refreshes its report views: both need ownership',
          `GRANT ${owners.map(ident).join(', ')} TO ${user}; (or ALTER TABLE ... OWNER TO ${user} for each)`,
        ),
      );
    } else out.push(ok(S, `tables in ${s.name}`, `all owned by ${f.user} (or a role it inherits)`));
  }
  out.push(
    ok(
      S,
      'track_commit_timestamp',
      `${f.trackCommitTimestamp} (information only: Starling does not need it)`,
    ),
  );
  return out;
}
