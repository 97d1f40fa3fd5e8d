import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StarlingConfig } from '../../core/config/load.js';

/**
 * Where the local stack keeps its files. Everything lives under the git-ignored STARLING_HOME
 * (default <repo>/.starling), except, when needed, the MariaDB and PostgreSQL data: those servers run as
 * their own users and need a path they can traverse, which a clone under a mode-700 home folder is not.
 */
export interface StackPaths {
  home: string;
  jars: string;
  logs: string;
  run: string;
  conf: string;
  /** Data of the JVM services (run as root, like the CLI). */
  data: string;
  /** Data of MariaDB and PostgreSQL (owned by mysql and postgres). */
  dbData: string;
}

export function traversableBy(user: string, dir: string): boolean {
  const r = spawnSync(
    'setpriv',
    ['--reuid', user, '--regid', user, '--init-groups', '--', 'test', '-x', dir],
    {
      stdio: 'ignore',
    },
  );
  return r.status === 0;
}

export function stackPaths(config: StarlingConfig): StackPaths {
  const home = config.home;
  const p = {
    home,
    jars: config.jarsDir ?? join(home, 'jars'),
    logs: join(home, 'logs'),
    run: join(home, 'run'),
    conf: join(home, 'conf'),
    data: join(home, 'data'),
  };
  for (const dir of Object.values(p)) mkdirSync(dir, { recursive: true });
  let dbData = config.dataDir ?? join(home, 'db');
  if (!config.dataDir) {
    mkdirSync(dbData, { recursive: true });
    if (!(traversableBy('postgres', dbData) && traversableBy('mysql', dbData))) {
      const tag = createHash('sha256').update(home).digest('hex').slice(0, 12);
      dbData = join('/var/lib/starling', tag);
    }
  }
  mkdirSync(dbData, { recursive: true, mode: 0o755 });
  return { ...p, dbData };
}
