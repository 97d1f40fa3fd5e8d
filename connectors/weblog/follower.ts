/**
 * Follows a growing log file like `tail -F`, for the web-log source: complete lines only, each with the
 * position just after it, so the caller can checkpoint once Kafka has acknowledged a line and resume there
 * with nothing lost or repeated. Polls (no fs.watch: it misses events on network and overlay filesystems,
 * and a poll is needed anyway to notice rotation) and reads in bounded chunks.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where a follower is: which file (its inode) and the byte offset of the next unread line in it. */
export interface Position {
  inode: number;
  offset: number;
}

/**
 * What the follower yields: a line without its "\n" (and without a "\r" before it), or, for a line longer
 * than `maxLineBytes`, its length in bytes instead of its text. Either way `position` is just after it.
 */
export type FollowEvent = { line: string; position: Position } | { oversize: number; position: Position };

/** How to follow a file; the numbers must be positive whole numbers (the constructor throws otherwise). */
export interface LogFollowerOptions {
  path: string;
  /** Resume here (a position this follower yielded earlier); absent: the start of the file. */
  from?: Position;
  /** How often to look for new bytes, rotation and truncation; default 250 ms. */
  pollMs?: number;
  /** Longer lines are yielded as `{ oversize }` and never held in memory whole; default 1 MiB. */
  maxLineBytes?: number;
  /** Bytes read at a time; default 64 KiB. */
  chunkBytes?: number;
  /** Told, in a plain sentence, when the follower restarts a file, switches file or skips a saved offset. */
  onNotice?: (message: string) => void;
}

/**
 * Splits bytes into lines, holding a partial last line until its "\n" arrives; a line past the limit is
 * counted rather than buffered. Decodes whole lines only, so a UTF-8 character split across reads is intact.
 */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;
  private lineStart = 0;

  constructor(private readonly maxLineBytes: number) {}

  reset(offset: number): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
    this.lineStart = offset;
  }

  push(chunk: Buffer, inode: number): FollowEvent[] {
    const events: FollowEvent[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      events.push(this.finish(chunk.subarray(from, nl), inode, 1));
      from = nl + 1;
    }
    const rest = chunk.subarray(from);
    this.pendingBytes += rest.length;
    if (!this.discarding && rest.length > 0) {
      // Copied: the caller reuses its read buffer.
      this.pending.push(Buffer.from(rest));
      if (this.pendingBytes > this.maxLineBytes) {
        this.discarding = true;
        this.pending = [];
      }
    }
    return events;
  }

  /** The held partial line as a final event (its file will get no more bytes), or undefined if none. */
  flush(inode: number): FollowEvent | undefined {
    return this.pendingBytes === 0 ? undefined : this.finish(Buffer.alloc(0), inode, 0);
  }

  private finish(piece: Buffer, inode: number, terminator: number): FollowEvent {
    const bytes = this.pendingBytes + piece.length;
    const position = { inode, offset: this.lineStart + bytes + terminator };
    const event: FollowEvent =
      this.discarding || bytes > this.maxLineBytes
        ? { oversize: bytes, position }
        : {
            line: Buffer.concat([...this.pending, piece])
              .toString('utf8')
              .replace(/\r$/, ''),
            position,
          };
    this.reset(position.offset);
    return event;
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Follows one path across rotations (rename or copytruncate) and waits while it does not exist. */
export class LogFollower {
  private readonly path: string;
  private readonly from: Position | undefined;
  private readonly pollMs: number;
  private readonly maxLineBytes: number;
  private readonly chunkBytes: number;
  private readonly notice: (message: string) => void;

  constructor(options: LogFollowerOptions) {
    this.path = options.path;
    this.from = options.from;
    this.pollMs = options.pollMs ?? 250;
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
    this.notice = options.onNotice ?? (() => {});
    for (const [name, v] of [
      ['pollMs', this.pollMs],
      ['maxLineBytes', this.maxLineBytes],
      ['chunkBytes', this.chunkBytes],
    ] as const)
      if (!Number.isSafeInteger(v) || v < 1)
        throw new RangeError(`${name} must be a positive whole number, not ${v}`);
  }

  /**
   * Complete lines, as the batch each chunk read completes (reads completing none yield nothing), until `signal` aborts or the caller stops
   * iterating; the file is closed either way. Nothing is read while the caller holds a batch, so awaiting a
   * Kafka send before asking for the next batch is the backpressure. After a rename rotation the old file
   * is read to its end, and read again after one quiet poll (its writer may not have reopened yet), before
   * the new file is opened at offset 0. A file that shrank below the offset (copytruncate) is restarted at
   * 0. A partial line cut off by either is yielded as it is rather than dropped. Rejects on read errors
   * other than the file being absent.
   */
  async *batches(signal: AbortSignal): AsyncGenerator<FollowEvent[], void, undefined> {
    const splitter = new LineSplitter(this.maxLineBytes);
    const buffer = Buffer.alloc(this.chunkBytes);
    let from = this.from;
    let file: FileHandle | undefined;
    let inode = 0;
    let offset = 0;
    let rotationSeen = false;
    try {
      while (!signal.aborted) {
        if (file === undefined) {
          file = await openIfExists(this.path);
          if (file === undefined) {
            if (!(await this.pause(signal))) return;
            continue;
          }
          const { ino, size } = await file.stat();
          inode = ino;
          offset = from === undefined ? 0 : this.resumeOffset(from, ino, size);
          from = undefined;
          rotationSeen = false;
          splitter.reset(offset);
        }

        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
        if (bytesRead > 0) {
          offset += bytesRead;
          rotationSeen = false;
          const events = splitter.push(buffer.subarray(0, bytesRead), inode);
          if (events.length > 0) yield events;
          continue;
        }

        if ((await file.stat()).size < offset) {
          this.notice(
            `${this.path} shrank below offset ${offset} (copytruncate?): reading it again from the start`,
          );
          const cut = splitter.flush(inode);
          offset = 0;
          splitter.reset(0);
          if (cut) yield [cut];
          continue;
        }

        if (await this.replaced(inode)) {
          if (rotationSeen) {
            const cut = splitter.flush(inode);
            await file.close();
            file = undefined;
            this.notice(
              `${this.path} was rotated: finished the old file at offset ${offset}, following the new one`,
            );
            if (cut) yield [cut];
            continue;
          }
          rotationSeen = true;
        }
        if (!(await this.pause(signal))) return;
      }
    } finally {
      await file?.close();
    }
  }

  /** The events of `batches`, one at a time. */
  async *lines(signal: AbortSignal): AsyncGenerator<FollowEvent, void, undefined> {
    for await (const batch of this.batches(signal)) yield* batch;
  }

  private resumeOffset(from: Position, inode: number, size: number): number {
    if (from.inode !== inode) {
      this.notice(
        `${this.path} is not the file of the saved position (inode ${from.inode}, now ${inode}): it was rotated while stopped, so reading the new file from the start; lines after offset ${from.offset} of the old file were not read`,
      );
      return 0;
    }
    if (from.offset > size) {
      this.notice(
        `${this.path} is shorter (${size} bytes) than the saved offset ${from.offset}: it was truncated while stopped, so reading it from the start`,
      );
      return 0;
    }
    return from.offset;
  }

  /** True when the path is gone or names another file than the one open. */
  private async replaced(inode: number): Promise<boolean> {
    try {
      return (await stat(this.path)).ino !== inode;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw e;
    }
  }

  /** Waits one poll; false when aborted meanwhile. */
  private async pause(signal: AbortSignal): Promise<boolean> {
    try {
      await sleep(this.pollMs, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }
}
