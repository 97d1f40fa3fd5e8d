import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log/logger.js';
import { dateKey } from '../../streams/date-dimension.js';
import { archiveName, writeDailyArchive } from '../../streams/weblog/archive.js';
import type { WeblogWarehouse } from './dialect.js';

/** YYYY-MM-DD of a yyyymmdd date key. */
export function dayOfDateKey(dateid: number): string {
  const y = Math.floor(dateid / 10000);
  const m = Math.floor(dateid / 100) % 100;
  const d = dateid % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Writes the daily tar archives of kept lines, always rebuilt from the warehouse fact (the lines of the
 * day in stream order), so an archive equals what the warehouse holds and rewriting it gives the same bytes.
 *
 * When: a day is complete once the processor has written lines of a later day and the day itself has had
 * no new line for the grace period; a line arriving late for an archived day makes it due again. That state
 * is in memory; at start, every day in the warehouse before the newest that has no archive yet is due
 * (a crash between a commit and the archive loses no archive). The newest day is archived on demand only
 * (`starling weblog archive --day`), or once a later day begins.
 */
export class DailyArchiver {
  /** Days written and not archived since, with when they last got a line (ms). */
  private readonly due = new Map<string, number>();
  private newest: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  readonly stats = { archives: 0, lastArchivedDay: undefined as string | undefined };

  constructor(
    private readonly warehouse: WeblogWarehouse,
    private readonly dir: string,
    private readonly graceMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The processor committed lines of these days (YYYY-MM-DD). */
  noteWritten(days: string[]): void {
    const at = this.now();
    for (const d of days) {
      this.due.set(d, at);
      if (this.newest === undefined || d > this.newest) this.newest = d;
    }
  }

  /** Marks the warehouse's days without an archive as due (see the class comment). */
  async recover(): Promise<void> {
    const days = (await this.warehouse.days()).map(dayOfDateKey);
    const at = this.now();
    for (const d of days) {
      if (this.newest === undefined || d > this.newest) this.newest = d;
      if (!existsSync(join(this.dir, archiveName(d))) && !this.due.has(d)) this.due.set(d, at);
    }
  }

  /** Archives every day that is complete now; returns the days archived. */
  async archiveDue(): Promise<string[]> {
    const done: string[] = [];
    for (const [day, at] of [...this.due].sort(([a], [b]) => a.localeCompare(b))) {
      if (this.newest === undefined || day >= this.newest || this.now() - at < this.graceMs) continue;
      await this.archiveDay(day);
      // A line of that day written meanwhile keeps it due.
      if (this.due.get(day) === at) this.due.delete(day);
      done.push(day);
    }
    return done;
  }

  /** Rebuilds one day's archive from the warehouse (YYYY-MM-DD); returns its path. */
  async archiveDay(day: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const lines = await this.warehouse.linesOfDay(dateKey(day));
    const path = await writeDailyArchive(this.dir, day, lines);
    this.stats.archives++;
    this.stats.lastArchivedDay = day;
    this.log.info('archived a day of the web log', { day, lines: lines.length, path });
    return path;
  }

  /** Checks every `intervalMs`; a failed archive is logged and tried again on the next check. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.archiveDue()
        .then(() => undefined)
        .catch((e) => this.log.warn('daily archive failed; will retry', { error: String(e) }))
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
