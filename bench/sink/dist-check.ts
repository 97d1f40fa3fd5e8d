import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../core/config/load.js';

const SOURCES = ['core', 'connectors', 'schemas', 'sinks', 'streams', 'ops', 'seeds'];

/**
 * Sources newer than their build in dist/ (the staging contender runs the built `starling`): a benchmark of
 * stale code measures something else than the tree. Returns their paths (empty when dist/ is current).
 */
export function staleBuild(): string[] {
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) {
        const rel = relative(REPO_ROOT, p);
        const built = join(REPO_ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(p).mtimeMs) stale.push(rel);
      }
    }
  };
  for (const d of SOURCES) if (existsSync(join(REPO_ROOT, d))) walk(join(REPO_ROOT, d));
  return stale;
}
