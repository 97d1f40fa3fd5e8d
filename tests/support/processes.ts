import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pids in a stack's run/ folder, and every descendant of them. */
export function stackPids(runDir: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (!existsSync(runDir)) return out;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process exited while we looked
    }
  }
  for (const file of readdirSync(runDir).filter((f) => f.endsWith('.pid'))) {
    const root = Number(readFileSync(join(runDir, file), 'utf8').trim());
    const all: number[] = [];
    const stack = [root];
    while (stack.length) {
      const pid = stack.pop()!;
      all.push(pid);
      stack.push(...(children.get(pid) ?? []));
    }
    out.set(file.replace(/\.pid$/, ''), all);
  }
  return out;
}

/** Listening TCP sockets by pid, from `ss`. */
export function listeningSockets(): Array<{ address: string; pid: number }> {
  const r = spawnSync('ss', ['-H', '-ltnp'], { encoding: 'utf8' });
  const out: Array<{ address: string; pid: number }> = [];
  for (const line of r.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6) continue;
    for (const m of line.matchAll(/pid=(\d+)/g)) out.push({ address: cols[3]!, pid: Number(m[1]) });
  }
  return out;
}

export function isLoopback(address: string): boolean {
  const host = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host.startsWith('127.') || host === '::1' || host.startsWith('::ffff:127.');
}

/** Processes whose command line mentions `marker` (a stack's home folder). */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // exited
    }
  }
  return pids;
}
