/**
 * The daily tar archive of kept web-log lines, the continuous form of the course DAG's `tar` step:
 * `<dir>/weblog-<day>.tar` holding one file, `weblog-<day>.txt`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { create, list } from 'tar';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(day: string): void {
  const d = new Date(`${day}T00:00:00Z`);
  if (!DAY.test(day) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day)
    throw new RangeError(`archive day ${JSON.stringify(day)} is not a calendar day in the form YYYY-MM-DD`);
}

/** The archive's file name for a day: `weblog-<day>.tar`. */
export function archiveName(day: string): string {
  checkDay(day);
  return `weblog-${day}.tar`;
}

// Flushes a file (or directory) to disk, so a crash after the rename finds the whole archive or the old one.
async function fsync(path: string): Promise<void> {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Writes `<dir>/weblog-<day>.tar` holding `weblog-<day>.txt`: the lines in order, each ending in "\n".
 * Atomic (built under a temporary name in `dir`, synced, then renamed over the target) and idempotent
 * (writing a day again replaces its archive with exactly the given lines). The entry's mtime is the day's
 * midnight UTC and owner fields are omitted, so the same lines always give the same bytes. Throws a
 * RangeError when `day` is not YYYY-MM-DD or a line holds a line break. Returns the archive's path.
 */
export async function writeDailyArchive(dir: string, day: string, lines: string[]): Promise<string> {
  const name = archiveName(day);
  const broken = lines.findIndex((l) => /[\r\n]/.test(l));
  if (broken !== -1) throw new RangeError(`line ${broken + 1} for ${name} holds a line break`);
  const target = join(dir, name);
  // A leading dot and a .tmp suffix keep a half-written archive out of any `weblog-*.tar` glob.
  const temp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const staging = await mkdtemp(join(tmpdir(), 'starling-weblog-'));
  try {
    const text = `weblog-${day}.txt`;
    await writeFile(join(staging, text), lines.map((l) => `${l}\n`).join(''));
    await create({ file: temp, cwd: staging, portable: true, mtime: new Date(`${day}T00:00:00Z`) }, [text]);
    await fsync(temp);
    await rename(temp, target);
    await fsync(dir);
    return target;
  } finally {
    await rm(temp, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The lines of a daily archive, read through the tar library. Throws unless the archive holds exactly one
 * entry, a regular file named `weblog-<day>.txt`. A final line without "\n" is returned as it is.
 */
export async function readArchive(path: string): Promise<string[]> {
  const entries: { path: string; type: string; chunks: Buffer[] }[] = [];
  await list({
    file: path,
    strict: true,
    onReadEntry: (entry) => {
      const e = { path: entry.path, type: entry.type, chunks: [] as Buffer[] };
      entries.push(e);
      entry.on('data', (c: Buffer) => e.chunks.push(c));
    },
  });
  const [only] = entries;
  if (
    entries.length !== 1 ||
    only === undefined ||
    only.type !== 'File' ||
    !/^weblog-.*\.txt$/.test(only.path)
  )
    throw new Error(
      `${basename(path)} is not a daily web-log archive: expected one file weblog-<day>.txt, found ${
        entries.map((e) => `${e.path} (${e.type})`).join(', ') || 'no entries'
      }`,
    );
  const text = Buffer.concat(only.chunks).toString('utf8');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
