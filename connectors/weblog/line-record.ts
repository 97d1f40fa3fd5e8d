/**
 * The web-log lines topic's record format, shared by the source that writes it and the processor that
 * reads it: value = the line as UTF-8 (no terminator), no key, and headers saying where the line was:
 * the file path, its inode and the byte offset just after the line. The last record's position is the
 * source's checkpoint (Kafka is the checkpoint: no state file). A line too long to be a record is written
 * as a marker with no value and its length in `weblog.oversize`, so the checkpoint still moves past it and
 * the processor dead-letters it like any other line it cannot use.
 */
import type { StarlingConfig } from '../../core/config/load.js';
import type { IHeaders } from '../../core/kafka/client.js';
import type { FollowEvent, Position } from './follower.js';

export const HEADER_FILE = 'weblog.file';
export const HEADER_INODE = 'weblog.inode';
export const HEADER_OFFSET = 'weblog.offset';
export const HEADER_OVERSIZE = 'weblog.oversize';
/**
 * Set by the processor on the lines it dead-letters. `starling dlq replay` sends a letter back with its
 * non-`starling.` headers, so a replayed line carries it: the source's checkpoint passes over such records
 * (their position is an old one; resuming there would send every later line again).
 */
export const HEADER_DEAD_LETTERED = 'weblog.dead-lettered';

/** The raw topic of the followed log's lines: `<topic prefix>.weblog.lines`. */
export function weblogLinesTopic(config: Pick<StarlingConfig, 'topics'>): string {
  return `${config.topics.prefix}.weblog.lines`;
}

/** The Kafka message of one followed line (or of an oversize line's marker). */
export function lineMessage(
  path: string,
  event: FollowEvent,
): { key: null; value: Buffer | null; headers: IHeaders } {
  const headers: IHeaders = {
    [HEADER_FILE]: path,
    [HEADER_INODE]: String(event.position.inode),
    [HEADER_OFFSET]: String(event.position.offset),
  };
  if ('oversize' in event)
    return { key: null, value: null, headers: { ...headers, [HEADER_OVERSIZE]: String(event.oversize) } };
  return { key: null, value: Buffer.from(event.line, 'utf8'), headers };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const h = headers?.[name];
  const v = Array.isArray(h) ? h[h.length - 1] : h;
  return v === undefined ? undefined : v.toString();
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** What a lines record says about its line; undefined fields when its headers are missing or malformed. */
export interface LineOrigin {
  file: string | undefined;
  position: Position | undefined;
  /** The line's length in bytes when it was too long to be sent (the record has no value then). */
  oversize: number | undefined;
}

/** True for a record the source wrote (not one sent back from the dead-letter topic). */
export function isSourceRecord(headers: IHeaders | undefined): boolean {
  return headers?.[HEADER_DEAD_LETTERED] === undefined;
}

export function lineOrigin(headers: IHeaders | undefined): LineOrigin {
  const inode = wholeNumber(header(headers, HEADER_INODE));
  const offset = wholeNumber(header(headers, HEADER_OFFSET));
  return {
    file: header(headers, HEADER_FILE),
    position: inode === undefined || offset === undefined ? undefined : { inode, offset },
    oversize: wholeNumber(header(headers, HEADER_OVERSIZE)),
  };
}
