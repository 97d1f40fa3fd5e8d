import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { javaBinary } from './jvm.js';
import type { StackPaths } from './paths.js';

const POM = join(REPO_ROOT, 'infra', 'maven', 'pom.xml');

/** Binaries each local service needs, with the Debian package that provides it. */
function requiredBinaries(config: StarlingConfig): Array<[string, string]> {
  const need: Array<[string, string]> = [['setpriv', 'util-linux']];
  if (!config.mysql.external) need.push(['mariadbd', 'mariadb-server'], ['mariadb', 'mariadb-client']);
  if (!config.postgres.external) need.push(['pg_isready', 'postgresql']);
  return need;
}

function onPath(bin: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, bin))) return true;
  return ['/usr/sbin', '/usr/bin', '/sbin'].some((d) => existsSync(join(d, bin)));
}

/**
 * Checks what the local stack needs before anything starts, reporting every missing piece at once, then
 * resolves the pinned Maven artifacts (Kafka, Connect, Debezium, Apicurio) unless already resolved for the
 * current pom. Returns quickly on a machine that is ready.
 */
export function preflight(config: StarlingConfig, paths: StackPaths, log: (line: string) => void): void {
  const needsJvm = !config.kafka.external || !config.connect.external || !config.registry.external;
  const problems: string[] = [];
  for (const [bin, pkg] of requiredBinaries(config)) {
    if (!onPath(bin))
      problems.push(`${bin} is missing: apt-get install -y ${pkg} (infra/scripts/bootstrap.sh installs it)`);
  }
  if (needsJvm) {
    try {
      javaBinary();
      if (!config.registry.external) javaBinary(21);
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (!onPath('mvn'))
      problems.push('mvn is missing: apt-get install -y maven (infra/scripts/bootstrap.sh installs it)');
  }
  if (problems.length) {
    throw new UserError(
      `The local stack cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'PREFLIGHT',
    );
  }
  if (needsJvm) resolveMavenArtifacts(paths, log);
}

function resolveMavenArtifacts(paths: StackPaths, log: (line: string) => void): void {
  const pomHash = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const marker = join(paths.jars, '.resolved');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomHash) return;
  log(
    "resolving the stack's Maven artifacts (Kafka, Kafka Connect, Debezium, Apicurio); the first time downloads ~400 MB",
  );
  const r = spawnSync('mvn', ['-B', '-q', '-f', POM, 'package', `-Dstarling.out=${paths.jars}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const out = `${r.stdout}${r.stderr}`;
    const unreachable =
      /UnknownHost|Connection refused|Connect timed out|Could not transfer|Network is unreachable/i.test(out);
    const missing = /Could not find artifact|was not found in/i.exec(out);
    throw new UserError(
      unreachable
        ? "Maven Central cannot be reached, so the stack's Kafka, Connect, Debezium and Apicurio jars cannot be resolved. " +
            'Check the network or a Maven mirror in ~/.m2/settings.xml, then run `starling stack up` again.'
        : missing
          ? `A pinned artifact is not served by the Maven repository (${out.match(/Could not find artifact [^\s]+/)?.[0] ?? 'see below'}). ` +
            `Pin a served version in infra/maven/pom.xml.\n${out.slice(-1500)}`
          : `Resolving the Maven artifacts failed:\n${out.slice(-2000)}`,
      'MAVEN_RESOLVE',
    );
  }
  writeFileSync(marker, pomHash);
}
