import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../core/config/load.js';
import { cpuSeconds, memoryMb } from '../sink/proc.js';

/**
 * Pipeline processes of a benchmark: each stage a real `starling run` of its own (the built CLI), so that
 * its CPU and memory are its own and read from /proc, as an operator would see them.
 */
export interface StageProcess {
  name: string;
  pid: number;
  /** CPU seconds (user + system) used so far. */
  cpuS(): number;
  /** Resident set now, MB (0 once the process is gone). */
  rssMb(): number;
  /** SIGTERM, then SIGKILL after 20 s; resolves when it exited. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** Node flags `npm start` runs the pipeline with (infra/scripts/start.sh): the benchmarks measure that. */
export const RUN_NODE_FLAGS = ['--max-semi-space-size=32'];

/** Starts `starling run` with these variables (and Node flags); its output goes to `logFile`. */
export function startStage(
  name: string,
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
): StageProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [...RUN_NODE_FLAGS, ...nodeArgs, join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pid = child.pid!;
  return {
    name,
    pid,
    exited,
    cpuS: () => cpuSeconds(pid) ?? 0,
    rssMb: () => memoryMb(pid, 'VmRSS') ?? 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Peak resident memory of each process per phase, sampled every 200 ms (a phase is a label the benchmark
 * sets as it goes).
 */
export class RssSampler {
  private phase = 'start';
  private readonly peaks = new Map<string, Map<string, number>>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly procs: () => StageProcess[]) {
    this.timer = setInterval(() => this.sample(), 200);
  }

  setPhase(phase: string): void {
    this.sample();
    this.phase = phase;
  }

  private sample(): void {
    const byProc = this.peaks.get(this.phase) ?? new Map<string, number>();
    this.peaks.set(this.phase, byProc);
    for (const p of this.procs()) {
      const mb = p.rssMb();
      if (mb > (byProc.get(p.name) ?? 0)) byProc.set(p.name, mb);
    }
  }

  /** phase → process → peak MB (rounded). */
  result(): Record<string, Record<string, number>> {
    this.sample();
    const out: Record<string, Record<string, number>> = {};
    for (const [phase, byProc] of this.peaks)
      if (byProc.size) out[phase] = Object.fromEntries([...byProc].map(([k, v]) => [k, Math.round(v)]));
    return out;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
