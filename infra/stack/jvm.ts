import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors/user-error.js';

function javaVersion(java: string): number | undefined {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /version "(\d+)/.exec(r.stderr);
  return m ? Number(m[1]) : undefined;
}

/**
 * A Java runtime of at least `minVersion`: $JAVA_HOME, then `java` on PATH, then the JDKs under
 * /usr/lib/jvm (newest first). Kafka and Connect need 17; Apicurio Registry 3.3 needs 21, which Debian 12
 * does not package, so the registry takes a newer JDK installed beside it (this machine kind ships one).
 */
export function javaBinary(minVersion = 17): string {
  const candidates = [
    ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    'java',
    ...(existsSync('/usr/lib/jvm')
      ? readdirSync('/usr/lib/jvm')
          .map((d) => join('/usr/lib/jvm', d, 'bin', 'java'))
          .filter((j) => existsSync(j))
      : []),
  ];
  let best: { java: string; version: number } | undefined;
  for (const java of candidates) {
    const version = javaVersion(java);
    if (version !== undefined && version >= minVersion) return java;
    if (version !== undefined && (!best || version > best.version)) best = { java, version };
  }
  throw new UserError(
    best
      ? `Java ${minVersion} or newer is needed, and the newest found is Java ${best.version} (${best.java}). ` +
          `Install a JDK ${minVersion}+ under /usr/lib/jvm or set JAVA_HOME.`
      : `No Java runtime found: Kafka, Kafka Connect and the registry need Java ${minVersion} or newer. ` +
          'Install it with `apt-get install -y openjdk-17-jre-headless` (infra/scripts/bootstrap.sh does), or set JAVA_HOME.',
    'JAVA_MISSING',
  );
}

/**
 * JVM flags shared by the local services: a small heap, logs to the service's own file. The full JIT stays
 * on (no TieredStopAtLevel=1): start-up is a few seconds slower, but Kafka's and Debezium's (and the JDBC
 * sink's, in the benchmarks) steady-state throughput is what the pipeline and its benchmarks measure.
 */
export function jvmFlags(heap: string, log4jConfig: string): string[] {
  return [
    `-Xms${Math.min(128, parseHeapMb(heap))}m`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
  ];
}

function parseHeapMb(heap: string): number {
  const n = Number.parseInt(heap, 10);
  return heap.endsWith('g') ? n * 1024 : n;
}

/** Log4j 2 (Kafka 4 and Connect): INFO to stdout, which the stack sends to the service's log file. */
export function writeLog4j(dir: string, name: string): string {
  const file = join(dir, `${name}-log4j2.properties`);
  writeFileSync(
    file,
    `status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.apache.name = org.apache.kafka.clients
logger.apache.level = WARN
`,
  );
  return file;
}

export function writeProperties(file: string, props: Record<string, string | number | boolean>): void {
  writeFileSync(
    file,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
}
