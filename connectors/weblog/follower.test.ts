import { appendFile, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FollowEvent, LogFollower, type LogFollowerOptions, type Position } from './follower.js';

// Every wait is for a condition (the next event); this deadline only turns a hang into a failure.
const DEADLINE_MS = 5000;

let dir: string;
let path: string;
const open: AsyncGenerator<unknown>[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weblog-follower-test-'));
  path = join(dir, 'access.log');
});
afterEach(async () => {
  for (const g of open.splice(0)) await g.return(undefined);
  await rm(dir, { recursive: true, force: true });
});

function follow(options: Partial<LogFollowerOptions> = {}, signal = AbortSignal.timeout(DEADLINE_MS)) {
  const g = new LogFollower({ path, pollMs: 10, ...options }).lines(signal);
  open.push(g);
  return g;
}

/** The next `n` events; fails, showing what did arrive, if the follower stops first (at the deadline). */
async function take(g: AsyncGenerator<FollowEvent>, n: number): Promise<FollowEvent[]> {
  const got: FollowEvent[] = [];
  while (got.length < n) {
    const r = await g.next();
    if (r.done)
      throw new Error(`the follower stopped after ${got.length} of ${n} events: ${JSON.stringify(got)}`);
    got.push(r.value);
  }
  return got;
}

const text = (events: FollowEvent[]) =>
  events.map((e) => ('line' in e ? e.line : `<oversize ${e.oversize}>`));
const offsets = (events: FollowEvent[]) => events.map((e) => e.position.offset);
const inodeOf = async (p: string) => (await stat(p)).ino;

describe('LogFollower', () => {
  it('yields complete lines of a file appended in pieces, holding a partial line until its newline', async () => {
    await writeFile(path, 'a\nb');
    const g = follow();
    const first = await take(g, 1);
    expect(first).toEqual([{ line: 'a', position: { inode: await inodeOf(path), offset: 2 } }]);
    const rest = take(g, 4);
    // Pauses only vary how writes and polls interleave; the result must not depend on them.
    for (const piece of ['c', '\nd', 'e\n', '\n', 'fin', 'al\n']) {
      await appendFile(path, piece);
      await sleep(5);
    }
    const events = await rest;
    expect(text(events)).toEqual(['bc', 'de', '', 'final']);
    expect(offsets(events)).toEqual([5, 8, 9, 15]);
  });

  it('strips the carriage return of CRLF lines and keeps UTF-8 split across reads intact', async () => {
    await writeFile(path, 'x\r\nhéllo wörld ✓\r\n');
    const events = await take(follow({ chunkBytes: 3 }), 2);
    expect(text(events)).toEqual(['x', 'héllo wörld ✓']);
    expect(offsets(events)).toEqual([3, Buffer.byteLength('x\r\nhéllo wörld ✓\r\n')]);
  });

  it('waits for a file that does not exist yet', async () => {
    const g = follow();
    const events = take(g, 2);
    await sleep(30);
    await writeFile(path, 'late 1\nlate 2\n');
    expect(text(await events)).toEqual(['late 1', 'late 2']);
  });

  it('finishes the lines left in a renamed file, then follows the new file from offset 0', async () => {
    await writeFile(path, 'old 1\nold 2\nold 3\nold 4\n');
    const oldInode = await inodeOf(path);
    const g = follow({ chunkBytes: 8 });
    expect(text(await take(g, 1))).toEqual(['old 1']);
    await rename(path, `${path}.1`);
    // The writer has not reopened yet: its last line still goes to the renamed file.
    await appendFile(`${path}.1`, 'old 5\n');
    await writeFile(path, 'new 1\nnew 2\n');
    const newInode = await inodeOf(path);
    const events = await take(g, 6);
    expect(text(events)).toEqual(['old 2', 'old 3', 'old 4', 'old 5', 'new 1', 'new 2']);
    expect(events.map((e) => e.position)).toEqual([
      { inode: oldInode, offset: 12 },
      { inode: oldInode, offset: 18 },
      { inode: oldInode, offset: 24 },
      { inode: oldInode, offset: 30 },
      { inode: newInode, offset: 6 },
      { inode: newInode, offset: 12 },
    ]);
  });

  it('after a rename, waits for the new file to be created', async () => {
    await writeFile(path, 'old\n');
    const notices: string[] = [];
    const g = follow({ onNotice: (m) => notices.push(m) });
    expect(text(await take(g, 1))).toEqual(['old']);
    await rename(path, `${path}.1`);
    const next = take(g, 1);
    await sleep(50);
    await writeFile(path, 'new\n');
    expect(await next).toEqual([{ line: 'new', position: { inode: await inodeOf(path), offset: 4 } }]);
    expect(notices).toEqual([
      `${path} was rotated: finished the old file at offset 4, following the new one`,
    ]);
  });

  it('yields a partial last line of a rotated file rather than dropping it', async () => {
    await writeFile(path, 'whole\ncut off');
    const g = follow();
    expect(text(await take(g, 1))).toEqual(['whole']);
    await rename(path, `${path}.1`);
    await writeFile(path, 'new\n');
    expect(text(await take(g, 2))).toEqual(['cut off', 'new']);
  });

  it('restarts at offset 0 of the same file after copytruncate', async () => {
    await writeFile(path, 'line 1\nline 2\nline 3\n');
    const inode = await inodeOf(path);
    const notices: string[] = [];
    const g = follow({ onNotice: (m) => notices.push(m) });
    expect(text(await take(g, 3))).toEqual(['line 1', 'line 2', 'line 3']);
    const next = take(g, 2);
    await writeFile(path, 'after\ncut\n'); // O_TRUNC keeps the inode, as copytruncate does
    expect(await inodeOf(path)).toBe(inode);
    expect(await next).toEqual([
      { line: 'after', position: { inode, offset: 6 } },
      { line: 'cut', position: { inode, offset: 10 } },
    ]);
    expect(notices).toEqual([
      `${path} shrank below offset 21 (copytruncate?): reading it again from the start`,
    ]);
  });

  it('yields a partial line cut off by copytruncate, with the position where it stopped', async () => {
    await writeFile(path, 'one\ntw');
    const inode = await inodeOf(path);
    const g = follow();
    expect(text(await take(g, 1))).toEqual(['one']);
    await writeFile(path, 'b\n');
    expect(await take(g, 2)).toEqual([
      { line: 'tw', position: { inode, offset: 6 } },
      { line: 'b', position: { inode, offset: 2 } },
    ]);
  });

  it('resumes exactly after a saved position: nothing lost, nothing repeated', async () => {
    await writeFile(path, 'r1\nr2\nr3\nr4\nr5\n');
    const g1 = follow();
    const saved: Position = (await take(g1, 3))[2]!.position;
    await g1.return(undefined);
    await appendFile(path, 'r6\n');
    const events = await take(follow({ from: saved }), 3);
    expect(text(events)).toEqual(['r4', 'r5', 'r6']);
    expect(offsets(events)).toEqual([12, 15, 18]);
  });

  it('starts a file from 0 when the saved position is of another file or past its end', async () => {
    await writeFile(path, 'old 1\nold 2\n');
    const g1 = follow();
    const saved = (await take(g1, 1))[0]!.position;
    await g1.return(undefined);
    await rename(path, `${path}.1`);
    await writeFile(path, 'new 1\n');
    const notices: string[] = [];
    expect(text(await take(follow({ from: saved, onNotice: (m) => notices.push(m) }), 1))).toEqual(['new 1']);
    expect(notices[0]).toContain('is not the file of the saved position');

    const past = { inode: await inodeOf(path), offset: 100 };
    expect(text(await take(follow({ from: past, onNotice: (m) => notices.push(m) }), 1))).toEqual(['new 1']);
    expect(notices[1]).toBe(
      `${path} is shorter (6 bytes) than the saved offset 100: it was truncated while stopped, so reading it from the start`,
    );
  });

  it.each([3, 64 * 1024])(
    'reports a line over maxLineBytes as oversize (chunkBytes %i)',
    async (chunkBytes) => {
      await writeFile(path, `short\n${'x'.repeat(30)}\nok\n`);
      const events = await take(follow({ maxLineBytes: 8, chunkBytes }), 3);
      const inode = await inodeOf(path);
      expect(events).toEqual([
        { line: 'short', position: { inode, offset: 6 } },
        { oversize: 30, position: { inode, offset: 37 } },
        { line: 'ok', position: { inode, offset: 40 } },
      ]);
    },
  );

  it('reads a large file in bounded chunks, one batch per chunk, positions ending at its size', async () => {
    const line = `${'y'.repeat(99)}\n`;
    await writeFile(path, line.repeat(10_000));
    const g = new LogFollower({ path, pollMs: 10 }).batches(AbortSignal.timeout(DEADLINE_MS));
    open.push(g);
    let [batches, count, last] = [0, 0, 0];
    while (count < 10_000) {
      const r = await g.next();
      if (r.done) throw new Error(`the follower stopped after ${count} lines`);
      batches++;
      count += r.value.length;
      last = r.value.at(-1)!.position.offset;
    }
    expect(count).toBe(10_000);
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(1_000_000 / (64 * 1024)));
    expect(last).toBe(1_000_000);
  });

  it('refuses options that would make it spin or buffer nothing', () => {
    expect(() => new LogFollower({ path, chunkBytes: 0 })).toThrow(
      'chunkBytes must be a positive whole number, not 0',
    );
    expect(() => new LogFollower({ path, pollMs: -1 })).toThrow('pollMs must be a positive whole number');
  });

  it('ends when its signal aborts while waiting for lines', async () => {
    await writeFile(path, 'only\n');
    const ctrl = new AbortController();
    const g = follow({}, ctrl.signal);
    expect(text(await take(g, 1))).toEqual(['only']);
    const next = g.next();
    ctrl.abort();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
