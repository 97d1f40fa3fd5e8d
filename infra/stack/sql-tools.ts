import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command as another OS user (PostgreSQL and MariaDB refuse, or should not, run as root). */
export function asUser(user: string, command: string, args: string[]): [string, string[]] {
  return ['setpriv', ['--reuid', user, '--regid', user, '--init-groups', '--', command, ...args]];
}

export function run(
  command: string,
  args: string[],
  opts: { input?: string; cwd?: string } = {},
): { ok: boolean; out: string } {
  const r = spawnSync(command, args, { input: opts.input, cwd: opts.cwd, encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { ok: r.status === 0, out };
}

/** The newest PostgreSQL server installed from Debian's packages. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}
