/**
 * The web-log processor's decision for one lines record, as a pure function: keep it as a fact row, drop
 * it (an excluded client), or dead-letter it with a stable code and the reason. No Kafka, no database.
 */
import { lineOrigin } from '../../connectors/weblog/line-record.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import { dateKey } from '../date-dimension.js';
import { isLineProblem, parseCombinedLine } from './combined-log.js';
import { isExcluded } from './exclusion.js';

/** One kept request: a row of the web-request fact, keyed by where it is in the lines topic. */
export interface WebRequestRow {
  sourceTopic: string;
  sourcePartition: number;
  /** The record's Kafka offset (decimal text: int64): the stream's order, which is the file's order. */
  sourceOffset: string;
  fileInode: number;
  /** Byte offset just after the line in its file. */
  fileOffset: number;
  /** yyyymmdd of the line's local calendar day: the date dimension's key and the archive's day. */
  dateid: number;
  /** YYYY-MM-DD of the same day. */
  day: string;
  clientIp: string;
  time: string;
  utcOffsetMinutes: number;
  request: string | null;
  method: string | null;
  path: string | null;
  protocol: string | null;
  status: number;
  bytes: number | null;
  referer: string | null;
  userAgent: string | null;
  /** The line as the server wrote it: what the daily archive holds. */
  line: string;
}

export type LineVerdict =
  | { kind: 'kept'; row: WebRequestRow }
  | { kind: 'excluded' }
  | { kind: 'dead'; code: WeblogErrorCode; reason: string };

export type WeblogErrorCode = 'WEBLOG_UNPARSEABLE' | 'WEBLOG_LINE_TOO_LONG' | 'WEBLOG_NO_POSITION';

/**
 * Decides one record of the lines topic. Lines that are not combined-format, that hold a NUL (PostgreSQL
 * text cannot store it) or are not UTF-8 are WEBLOG_UNPARSEABLE; an oversize marker is WEBLOG_LINE_TOO_LONG;
 * a record without the source's position headers (not written by the source) is WEBLOG_NO_POSITION.
 */
export function decideLine(
  topic: string,
  partition: number,
  message: KafkaMessage,
  excluded: ReadonlySet<string>,
): LineVerdict {
  const origin = lineOrigin(message.headers);
  if (origin.oversize !== undefined)
    return {
      kind: 'dead',
      code: 'WEBLOG_LINE_TOO_LONG',
      reason: `the line is ${origin.oversize} bytes long, more than a record may hold; it was not sent`,
    };
  if (origin.position === undefined)
    return {
      kind: 'dead',
      code: 'WEBLOG_NO_POSITION',
      reason: 'the record lacks the weblog.inode/weblog.offset headers the web-log source writes',
    };
  const bytes = message.value ?? Buffer.alloc(0);
  const line = bytes.toString('utf8');
  const problem =
    line.includes('\uFFFD') && !Buffer.from(line, 'utf8').equals(bytes)
      ? 'the line is not valid UTF-8'
      : line.includes('\u0000')
        ? 'the line holds a NUL character'
        : undefined;
  const parsed = problem === undefined ? parseCombinedLine(line) : { problem };
  if (isLineProblem(parsed)) return { kind: 'dead', code: 'WEBLOG_UNPARSEABLE', reason: parsed.problem };
  if (isExcluded(parsed.clientIp, excluded)) return { kind: 'excluded' };
  return {
    kind: 'kept',
    row: {
      sourceTopic: topic,
      sourcePartition: partition,
      sourceOffset: message.offset,
      fileInode: origin.position.inode,
      fileOffset: origin.position.offset,
      dateid: dateKey(parsed.date),
      day: parsed.date,
      clientIp: parsed.clientIp,
      time: parsed.time,
      utcOffsetMinutes: parsed.utcOffsetMinutes,
      request: parsed.request,
      method: parsed.method,
      path: parsed.path,
      protocol: parsed.protocol,
      status: parsed.status,
      bytes: parsed.bytes,
      referer: parsed.referer,
      userAgent: parsed.userAgent,
      line,
    },
  };
}
