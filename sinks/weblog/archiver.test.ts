import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { readArchive } from '../../streams/weblog/archive.js';
import { DailyArchiver, dayOfDateKey } from './archiver.js';
import type { WeblogWarehouse } from './dialect.js';

/** A warehouse holding lines per dateid in memory. */
function memoryWarehouse(days: Record<number, string[]>): WeblogWarehouse {
  return {
    schema: 's',
    ensureTables: async () => undefined,
    write: async () => undefined,
    linesOfDay: async (d) => days[d] ?? [],
    days: async () =>
      Object.keys(days)
        .map(Number)
        .sort((a, b) => a - b),
    close: async () => undefined,
  };
}

let dir = '';
let now = 0;
const clock = () => now;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archiver-test-'));
  now = 1_000_000;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('DailyArchiver', () => {
  it('maps date keys to days', () => {
    expect(dayOfDateKey(20150517)).toBe('2015-05-17');
    expect(dayOfDateKey(99991231)).toBe('9999-12-31');
  });

  it('archives a day once a later day has lines and the grace period passed, never the newest day', async () => {
    const a = new DailyArchiver(
      memoryWarehouse({ 20150517: ['a', 'b'], 20150518: ['c'] }),
      dir,
      1000,
      createLogger('silent'),
      clock,
    );
    a.noteWritten(['2015-05-17']);
    now += 5000;
    expect(await a.archiveDue()).toEqual([]); // no later day yet
    a.noteWritten(['2015-05-18']);
    expect(await a.archiveDue()).toEqual(['2015-05-17']); // quiet for 5 s already
    expect(await readArchive(join(dir, 'weblog-2015-05-17.tar'))).toEqual(['a', 'b']);
    now += 5000;
    expect(await a.archiveDue()).toEqual([]); // done, and 05-18 is the newest
  });

  it('waits the grace period after a day’s last line, and archives a late line’s day again', async () => {
    const a = new DailyArchiver(
      memoryWarehouse({ 20150517: ['a'] }),
      dir,
      1000,
      createLogger('silent'),
      clock,
    );
    a.noteWritten(['2015-05-17', '2015-05-18']);
    now += 999;
    expect(await a.archiveDue()).toEqual([]);
    now += 1;
    expect(await a.archiveDue()).toEqual(['2015-05-17']);
    a.noteWritten(['2015-05-17']);
    now += 1000;
    expect(await a.archiveDue()).toEqual(['2015-05-17']);
  });

  it('at start, makes due the warehouse’s days without an archive, except the newest', async () => {
    const w = memoryWarehouse({ 20150517: ['a'], 20150518: ['b'], 20150519: ['c'] });
    const first = new DailyArchiver(w, dir, 0, createLogger('silent'), clock);
    await first.archiveDay('2015-05-17');
    const bytes = await readFile(join(dir, 'weblog-2015-05-17.tar'));
    const a = new DailyArchiver(w, dir, 0, createLogger('silent'), clock);
    await a.recover();
    expect(await a.archiveDue()).toEqual(['2015-05-18']);
    expect(await readFile(join(dir, 'weblog-2015-05-17.tar'))).toEqual(bytes);
  });
});
