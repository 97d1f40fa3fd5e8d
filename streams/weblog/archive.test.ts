import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataDirFor } from '../../seeds/source.js';
import { readArchive, writeDailyArchive } from './archive.js';
import { isLineProblem, parseCombinedLine } from './combined-log.js';
import { isExcluded, parseExcludedIps } from './exclusion.js';

const haveSystemTar = existsSync('/usr/bin/tar');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weblog-archive-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeDailyArchive and readArchive', () => {
  it('writes weblog-<day>.tar holding weblog-<day>.txt with one line per entry', async () => {
    const lines = ['first line', 'second "quoted" line', 'ünïcödé ✓', ''];
    const path = await writeDailyArchive(dir, '2015-05-17', lines);
    expect(path).toBe(join(dir, 'weblog-2015-05-17.tar'));
    expect(await readArchive(path)).toEqual(lines);
    expect(await readdir(dir)).toEqual(['weblog-2015-05-17.tar']);
  });

  it('replaces a day written again, leaving no temporary files', async () => {
    const path = await writeDailyArchive(dir, '2015-05-18', ['a', 'b', 'c']);
    const first = await stat(path);
    await writeDailyArchive(dir, '2015-05-18', ['x']);
    expect(await readArchive(path)).toEqual(['x']);
    // A rename, not an in-place rewrite: a reader holding the old archive open keeps a whole file.
    expect((await stat(path)).ino).not.toBe(first.ino);
    expect(await readdir(dir)).toEqual(['weblog-2015-05-18.tar']);
  });

  it('gives the same bytes for the same lines', async () => {
    const path = await writeDailyArchive(dir, '2015-05-19', ['same']);
    const before = await readFile(path);
    await writeDailyArchive(dir, '2015-05-19', ['same']);
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it('archives an empty day as an empty file', async () => {
    expect(await readArchive(await writeDailyArchive(dir, '2015-05-20', []))).toEqual([]);
  });

  it('refuses a day that is not YYYY-MM-DD or not in the calendar, and a line holding a line break', async () => {
    for (const day of ['2015-5-17', '20150517', '2015-05-17T00', '../etc', '2015-02-30', '2015-13-01'])
      await expect(writeDailyArchive(dir, day, ['x']), day).rejects.toThrow(/is not a calendar day/);
    await expect(writeDailyArchive(dir, '2015-05-17', ['ok', 'two\nlines'])).rejects.toThrow(
      'line 2 for weblog-2015-05-17.tar holds a line break',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to read a tar that is not a daily archive', async () => {
    await writeFile(join(dir, 'a.txt'), 'a\n');
    await writeFile(join(dir, 'b.txt'), 'b\n');
    const other = join(dir, 'other.tar');
    await create({ file: other, cwd: dir }, ['a.txt', 'b.txt']);
    await expect(readArchive(other)).rejects.toThrow(
      'other.tar is not a daily web-log archive: expected one file weblog-<day>.txt, found a.txt (File), b.txt (File)',
    );
  });

  it.skipIf(!haveSystemTar)(
    'opens with the system tar command (skipped: /usr/bin/tar not found)',
    async () => {
      const path = await writeDailyArchive(dir, '2015-05-17', ['one', 'two']);
      expect(execFileSync('/usr/bin/tar', ['-tf', path], { encoding: 'utf8' })).toBe(
        'weblog-2015-05-17.txt\n',
      );
      expect(execFileSync('/usr/bin/tar', ['-xOf', path], { encoding: 'utf8' })).toBe('one\ntwo\n');
    },
  );
});

const dataDir = dataDirFor(undefined);
const file = dataDir === undefined ? undefined : join(dataDir, 'accesslog.txt');
const present = file !== undefined && existsSync(file);

const MONTH: Record<string, string> = { May: '05' };

describe("the course's accesslog.txt", () => {
  it.skipIf(!present)(
    `archives the kept lines of each day (needs the course's accesslog.txt${present ? '' : ': not found beside the clone or in STARLING_SOFTCART_DIR, so skipped'})`,
    async () => {
      const lines = readFileSync(file!, 'utf8').split('\n').slice(0, -1);

      // The stream's way: parse, dead-letter problems, drop excluded clients, group by the line's local day.
      const excluded = parseExcludedIps(undefined);
      if (!('ips' in excluded)) throw new Error('the default exclusion did not parse');
      const byDay = new Map<string, string[]>();
      for (const l of lines) {
        const r = parseCombinedLine(l);
        if (isLineProblem(r) || isExcluded(r.clientIp, excluded.ips)) continue;
        byDay
          .set(r.date, byDay.get(r.date) ?? [])
          .get(r.date)!
          .push(l);
      }
      for (const [day, kept] of byDay) await writeDailyArchive(dir, day, kept);

      // Independently: the first field is not the course's IP (line 8899, cut short in its user agent, is
      // kept like any other), the day comes from `[dd/Mon/yyyy`.
      const expected = new Map<string, string[]>();
      for (const l of lines) {
        if (l.split(' ')[0] === '198.46.149.143') continue;
        const [, dd, mon, yyyy] = /\[(\d{2})\/(\w{3})\/(\d{4}):/.exec(l)!;
        const day = `${yyyy}-${MONTH[mon!]}-${dd}`;
        expected
          .set(day, expected.get(day) ?? [])
          .get(day)!
          .push(l);
      }

      expect(Object.fromEntries([...expected].map(([d, ls]) => [d, ls.length]))).toEqual({
        '2015-05-17': 1618,
        '2015-05-18': 2863,
        '2015-05-19': 2878,
        '2015-05-20': 2559,
      });
      expect((await readdir(dir)).sort()).toEqual([...expected.keys()].sort().map((d) => `weblog-${d}.tar`));
      for (const [day, want] of expected)
        expect(await readArchive(join(dir, `weblog-${day}.tar`)), day).toEqual(want);
    },
  );
});
