import { readdirSync, readFileSync } from 'node:fs';

/**
 * One process's CPU and memory from /proc (Linux): what a contender costs on its own, next to
 * bench/proc-cpu.ts's per-service totals.
 */
const TICKS = 100; // getconf CLK_TCK

/** utime + stime of the process, in seconds; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return ((f[11] ?? 0) + (f[12] ?? 0)) / TICKS;
  } catch {
    return undefined;
  }
}

/** A /proc/<pid>/status memory line (VmRSS: now, VmHWM: the peak since the process started), in MB. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The peak of VmRSS over an interval, sampled every 100 ms: for a long-lived process (the Connect worker),
 * whose VmHWM is its peak since start, not this run's.
 */
export function rssPeakSampler(pid: number) {
  const first = memoryMb(pid, 'VmRSS') ?? 0;
  let peak = first;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryMb(pid, 'VmRSS') ?? 0);
  }, 100);
  return {
    startMb: first,
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, memoryMb(pid, 'VmRSS') ?? 0);
    },
  };
}

/** The pid of the local stack's Kafka Connect worker (the JVM running ConnectDistributed with its properties). */
export function connectWorkerPid(home: string): number | undefined {
  const found: Array<{ pid: number; ours: boolean }> = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('ConnectDistributed')) found.push({ pid: Number(p), ours: cmd.includes(home) });
    } catch {
      // gone meanwhile
    }
  }
  return (found.find((f) => f.ours) ?? (found.length === 1 ? found[0] : undefined))?.pid;
}

/**
 * CPU seconds and peak RSS (VmHWM) of a child process that exits on its own: read every `intervalMs` and on
 * demand, keeping the last reading, so what it used is known even after /proc has forgotten it (at most
 * one interval's CPU is missed when it exits between readings).
 */
export function processWatch(pid: number, intervalMs = 50) {
  let cpuS = Number.NaN;
  let peakRssMb = Number.NaN;
  const read = () => {
    const cpu = cpuSeconds(pid);
    const hwm = memoryMb(pid, 'VmHWM');
    if (cpu !== undefined) cpuS = Number.isNaN(cpuS) ? cpu : Math.max(cpuS, cpu);
    if (hwm !== undefined) peakRssMb = Number.isNaN(peakRssMb) ? hwm : Math.max(peakRssMb, hwm);
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    read,
    /** Stops reading; the last values seen. */
    stop(): { cpuS: number; peakRssMb: number } {
      clearInterval(timer);
      return { cpuS, peakRssMb };
    },
  };
}
