import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Daemon processes of the local stack. Each is started detached with its output in its own log file and its
 * pid in <run>/<name>.pid. A pid only counts as ours while its command line still contains the marker we
 * started it with (the stack's home folder), so `stack down` never signals a recycled pid.
 */
export interface Daemon {
  name: string;
  pidFile: string;
  logFile: string;
  marker: string;
}

export function daemon(name: string, run: string, logs: string, marker: string): Daemon {
  return { name, pidFile: join(run, `${name}.pid`), logFile: join(logs, `${name}.log`), marker };
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The pid of the running daemon, or undefined (a stale pid file is removed). */
export function runningPid(d: Daemon): number | undefined {
  if (!existsSync(d.pidFile)) return undefined;
  const pid = Number(readFileSync(d.pidFile, 'utf8').trim());
  const cmd = Number.isInteger(pid) && pid > 0 ? cmdline(pid) : undefined;
  if (cmd?.includes(d.marker)) return pid;
  rmSync(d.pidFile, { force: true });
  return undefined;
}

export function startDaemon(
  d: Daemon,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): number {
  const fd = openSync(d.logFile, 'a');
  try {
    writeFileSync(fd, `\n==== ${new Date().toISOString()} starting ${d.name}\n`);
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
    child.unref();
    writeFileSync(d.pidFile, String(child.pid));
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the daemon, waits for it to exit, and kills it hard after `graceMs`. */
export async function stopDaemon(
  d: Daemon,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 30_000,
): Promise<boolean> {
  const pid = runningPid(d);
  if (pid === undefined) return false;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(d.pidFile, { force: true });
  return true;
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function tail(file: string, lines = 30): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}

/**
 * Polls `probe` until it returns true. Fails early when the daemon's process died (no point waiting out the
 * deadline for a server that exited on a config error).
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; pid?: number; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (opts.pid !== undefined && !isAlive(opts.pid)) throw new Error(`${what} exited during start-up`);
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready after ${Math.round(opts.timeoutMs / 1000)} s`);
    await sleep(opts.intervalMs ?? 250);
  }
}
