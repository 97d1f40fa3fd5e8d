import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../core/config/load.js';
import { testHttpPort } from '../../support/ports.js';

export type Stage = 'staging' | 'conform' | 'warehouse';
export const STAGES: Stage[] = ['staging', 'conform', 'warehouse'];

export interface Exit {
  code: number | null;
  signal: string | null;
}

/** One `starling run` process of one stage, its exit and the tail of its stderr (for failure messages). */
export class StageProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<Exit>;
  private tail = '';
  exit: Exit | undefined;

  constructor(
    readonly stage: Stage,
    env: Record<string, string>,
    readonly label: string,
  ) {
    this.proc = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'], {
      env: {
        ...process.env,
        ...env,
        STARLING_PIPELINE: stage,
        // Each process its own metrics port.
        STARLING_HTTP_PORT: testHttpPort(),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.tail = (this.tail + d.toString()).slice(-4000);
    });
    this.exited = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  get stderr(): string {
    return this.tail;
  }

  /** Resident set size in MB (Linux /proc), or undefined once the process is gone. */
  rssMb(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      return Number.isFinite(kb) ? kb / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async kill9(): Promise<Exit> {
    if (this.alive) this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, and the exit (a graceful stop drains, commits and exits 0). */
  async terminate(): Promise<Exit> {
    if (this.alive) this.proc.kill('SIGTERM');
    return this.exited;
  }
}

/** Resolves with the exit, or rejects after `ms` with the process's stderr tail: a deadline, not a sleep. */
export async function exitWithin(p: StageProcess, ms: number, what: string): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: ${p.label} did not exit within ${ms / 1000} s\n${p.stderr}`)),
      ms,
    );
  });
  try {
    return await Promise.race([p.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
