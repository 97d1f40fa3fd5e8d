/**
 * SHOW GRANTS, parsed: what a MariaDB or MySQL account may do, at which level. Pure.
 *
 * The text is the server's own rendering, so the grammar is small but has traps a regular expression
 * misses: identifiers are backquoted and may hold spaces, dots, " ON " or doubled backquotes; column-level
 * privileges carry parenthesised column lists (which do not grant the table); database names in grants are
 * LIKE patterns (`sales\_%`.*); MariaDB 10.5+ prints REPLICATION CLIENT as BINLOG MONITOR; role grants
 * ("GRANT `r`@`%` TO ...", MariaDB "GRANT `r` TO ...") have no ON clause; routine grants (ON PROCEDURE ...)
 * are not about tables at all.
 */
export type GrantLevel = 'global' | 'database' | 'table' | 'routine' | 'role' | 'proxy';

export interface Grant {
  level: GrantLevel;
  /** upper-case privilege names held on the whole object (column-level ones are in `columnPrivileges`) */
  privileges: string[];
  columnPrivileges: string[];
  /** database name or LIKE pattern (database level), database name (table level) */
  db?: string;
  table?: string;
  /** the roles' names, for a role grant */
  roles?: string[];
}

/** MariaDB 10.5 renamed some privileges; either spelling grants the same thing. */
const ALIASES: Record<string, string> = {
  'BINLOG MONITOR': 'REPLICATION CLIENT',
  ALL: 'ALL PRIVILEGES',
};

/** Splits at a top-level separator (outside backquotes, quotes and parentheses). */
function topLevelIndex(text: string, test: (rest: string) => boolean, from = 0): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) {
        if (text[i + 1] === quote) i++;
        else quote = undefined;
      }
      continue;
    }
    if (c === '`' || c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && test(text.slice(i))) return i;
  }
  return -1;
}

function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = topLevelIndex(text, (r) => r.startsWith(sep), start);
    if (i < 0) break;
    out.push(text.slice(start, i));
    start = i + sep.length;
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

/** `name`, 'name', "name" or a bare name; backquote doubling undone. */
function unquote(id: string): string {
  const t = id.trim();
  const q = t[0];
  if ((q === '`' || q === "'" || q === '"') && t.endsWith(q) && t.length >= 2)
    return t.slice(1, -1).replaceAll(`${q}${q}`, q);
  return t;
}

/** db.table where either side may be * and names may contain dots inside quotes. */
function splitObject(target: string): [string, string] {
  const dot = topLevelIndex(target, (r) => r.startsWith('.'));
  if (dot < 0) return ['*', unquote(target)];
  return [unquote(target.slice(0, dot)), unquote(target.slice(dot + 1))];
}

function normalisePrivilege(p: string): string {
  const name = p.replace(/\s+/g, ' ').trim().toUpperCase();
  return ALIASES[name] ?? name;
}

/** One line of SHOW GRANTS; undefined for a line that is not a GRANT (REVOKE lines of partial revokes, etc.). */
export function parseGrantLine(line: string): Grant | undefined {
  const text = line.trim();
  if (!/^GRANT\s/i.test(text)) return undefined;
  const body = text.slice(5).trimStart();
  const on = topLevelIndex(body, (r) => /^\sON\s/i.test(r));
  const to = topLevelIndex(body, (r) => /^\sTO\s/i.test(r));
  if (on < 0 || (to >= 0 && to < on)) {
    // GRANT `role`@`host` TO ... (MySQL) or GRANT `role` TO ... (MariaDB)
    const who = to < 0 ? body : body.slice(0, to);
    const roles = splitTopLevel(who, ',').map((r) => unquote(splitTopLevel(r, '@')[0] ?? r));
    return { level: 'role', privileges: [], columnPrivileges: [], roles };
  }
  const privileges: string[] = [];
  const columnPrivileges: string[] = [];
  for (const item of splitTopLevel(body.slice(0, on), ',')) {
    const paren = item.indexOf('(');
    if (paren >= 0) columnPrivileges.push(normalisePrivilege(item.slice(0, paren)));
    else privileges.push(normalisePrivilege(item));
  }
  let target = (to < 0 ? body.slice(on + 4) : body.slice(on + 4, to)).trim();
  if (privileges.includes('PROXY')) return { level: 'proxy', privileges, columnPrivileges };
  const kind = /^(TABLE|PROCEDURE|FUNCTION|PACKAGE BODY|PACKAGE)\s+/i.exec(target);
  if (kind) {
    target = target.slice(kind[0].length);
    if (kind[1]!.toUpperCase() !== 'TABLE') {
      const [db, table] = splitObject(target);
      return { level: 'routine', privileges, columnPrivileges, db, table };
    }
  }
  const [db, table] = splitObject(target);
  if (db === '*' && table === '*') return { level: 'global', privileges, columnPrivileges };
  if (table === '*') return { level: 'database', privileges, columnPrivileges, db };
  return { level: 'table', privileges, columnPrivileges, db, table };
}

/** Every GRANT line of a SHOW GRANTS answer. */
export function parseGrants(lines: string[]): Grant[] {
  return lines.map(parseGrantLine).filter((g): g is Grant => g !== undefined);
}

/** Whether a database-level grant's name (a LIKE pattern: _ and %, \ escapes) covers this database. */
export function databasePatternMatches(pattern: string, db: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      i++;
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(db);
}

const holds = (g: Grant, privilege: string) =>
  g.privileges.includes(privilege) || g.privileges.includes('ALL PRIVILEGES');

/** Whether the grants give `privilege` on everything (*.*). */
export function hasGlobal(grants: Grant[], privilege: string): boolean {
  return grants.some((g) => g.level === 'global' && holds(g, privilege));
}

/** Whether the grants give `privilege` on every table of `db` (globally or on the database). */
export function hasOnDatabase(grants: Grant[], privilege: string, db: string): boolean {
  return (
    hasGlobal(grants, privilege) ||
    grants.some(
      (g) =>
        g.level === 'database' &&
        g.db !== undefined &&
        databasePatternMatches(g.db, db) &&
        holds(g, privilege),
    )
  );
}

/** Whether the grants give `privilege` on db.table (globally, on the database or on the table itself). */
export function hasOnTable(grants: Grant[], privilege: string, db: string, table: string): boolean {
  return (
    hasOnDatabase(grants, privilege, db) ||
    grants.some((g) => g.level === 'table' && g.db === db && g.table === table && holds(g, privilege))
  );
}

/** The roles granted to the account (their privileges are not in its SHOW GRANTS unless activated). */
export function grantedRoles(grants: Grant[]): string[] {
  return grants.flatMap((g) => (g.level === 'role' ? (g.roles ?? []) : []));
}
