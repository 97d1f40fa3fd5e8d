import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds per stack service, from /proc (Linux only; elsewhere empty). It shows where a phase's time
 * goes on the machine: the bench process itself, PostgreSQL, MariaDB, Kafka, Kafka Connect (Debezium), the
 * registry. Processes of other users of the machine land in no bucket; a concurrent test run in the same
 * services (another developer's) is counted with ours.
 */
export type CpuByService = Record<string, number>;

const TICKS = 100; // getconf CLK_TCK on Linux

function classify(pid: string, comm: string): string | undefined {
  if (pid === String(process.pid)) return 'bench (node)';
  if (comm === 'mariadbd' || comm === 'mysqld') return 'mariadb';
  if (comm === 'postgres') return 'postgresql';
  if (comm !== 'java') return undefined;
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  if (cmd.includes('ConnectDistributed')) return 'connect+debezium';
  if (cmd.includes('kafka.Kafka')) return 'kafka';
  if (cmd.includes('apicurio')) return 'registry';
  return undefined;
}

export function cpuByService(): CpuByService {
  const out: CpuByService = {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const service = classify(pid, comm);
      if (!service) continue;
      // Fields after "pid (comm) ": state is field 3, utime 14, stime 15.
      const f = stat
        .slice(close + 2)
        .split(' ')
        .map(Number);
      out[service] = (out[service] ?? 0) + ((f[11] ?? 0) + (f[12] ?? 0)) / TICKS;
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** after − before, rounded to 0.01 s; services that used nothing are left out. */
export function cpuDelta(before: CpuByService, after: CpuByService): CpuByService {
  const out: CpuByService = {};
  for (const [k, v] of Object.entries(after)) {
    const d = Math.round((v - (before[k] ?? 0)) * 100) / 100;
    if (d > 0) out[k] = d;
  }
  return out;
}
