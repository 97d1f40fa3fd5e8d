/**
 * Apache "combined" access-log lines (`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`), parsed
 * strictly: a line either yields every field or one plain reason why it does not, so the processor can
 * dead-letter what it cannot trust instead of guessing. One leniency: a line cut short inside its last field,
 * the user agent (no closing quote), still yields every field the request is known by — client, time,
 * request, status, bytes, referer — with `truncated` set. The course's own accesslog.txt has one such line
 * (8899), which the course's DAG keeps; dropping a request over a cut-off browser name would lose a real hit.
 */
import { isIP } from 'node:net';

/** One parsed access-log line. */
export interface ParsedRequest {
  /** The client address as written (IPv4 or IPv6); compare through `canonicalIp` in exclusion.ts. */
  clientIp: string;
  /** The request time in UTC, ISO 8601 (`2015-05-17T10:05:03.000Z`). */
  time: string;
  /** The line's own offset from UTC in minutes (`+0530` is 330, `-0800` is -480). */
  utcOffsetMinutes: number;
  /** The calendar day in the line's local time, YYYY-MM-DD: the day grain the server's operators see. */
  date: string;
  /** The request field as written (escapes undone), or null when it is "-". */
  request: string | null;
  /**
   * Method, path and protocol when the request field is exactly three space-separated tokens; all three null
   * otherwise ("-", an HTTP/0.9 `GET /`, a TLS handshake sent to the plain port). Such lines are still valid:
   * the server did log them, and `request` keeps the raw text.
   */
  method: string | null;
  path: string | null;
  protocol: string | null;
  status: number;
  /** Response bytes, or null for "-" (Apache's `%b` writes "-" for an empty body). */
  bytes: number | null;
  referer: string | null;
  /** The user agent as written; when `truncated`, the part of it the line holds. */
  userAgent: string | null;
  /** The line ends inside the user agent (its closing quote is missing): the line was cut short there. */
  truncated: boolean;
}

/** Why a line is not a combined-format line, as a plain sentence for the dead-letter record. */
export interface LineProblem {
  problem: string;
}

/** True when `parseCombinedLine` could not parse the line. */
export function isLineProblem(r: ParsedRequest | LineProblem): r is LineProblem {
  return 'problem' in r;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIME = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

class Problem extends Error {}

/** Reads the line left to right; every `expect…` either advances or throws a Problem naming what is wrong. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** A run of non-space characters: the unquoted fields. */
  token(what: string): string {
    const end = this.text.indexOf(' ', this.pos);
    const stop = end === -1 ? this.text.length : end;
    if (stop === this.pos) throw new Problem(`the ${what} field is missing`);
    const t = this.text.slice(this.pos, stop);
    this.pos = stop;
    return t;
  }

  space(before: string): void {
    if (this.atEnd) throw new Problem(`the line ends before the ${before} field`);
    if (this.text[this.pos] !== ' ')
      throw new Problem(`expected a space before the ${before} field, found ${quote(this.rest())}`);
    this.pos++;
  }

  bracketed(what: string): string {
    if (this.text[this.pos] !== '[') throw new Problem(`no [${what}] field after the client, ident and user`);
    const close = this.text.indexOf(']', this.pos);
    if (close === -1) throw new Problem(`the [${what}] field is not closed`);
    const t = this.text.slice(this.pos + 1, close);
    this.pos = close + 1;
    return t;
  }

  /**
   * A double-quoted field. Apache writes `"` as `\"` and `\` as `\\`, so those two are undone; any other
   * escape (`\xhh` for bytes Apache would not write raw) is kept as written, because decoding it would mean
   * guessing the bytes' encoding.
   */
  quoted(what: string, mayEndUnclosed = false): { value: string; closed: boolean } {
    if (this.text[this.pos] !== '"')
      throw new Problem(`the ${what} field is not in double quotes (found ${quote(this.rest())})`);
    let out = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const ch = this.text[i]!;
      if (ch === '"') {
        this.pos = i + 1;
        return { value: out, closed: true };
      }
      if (ch === '\\' && i + 1 < this.text.length) {
        const next = this.text[i + 1]!;
        out += next === '"' || next === '\\' ? next : ch + next;
        i++;
      } else out += ch;
    }
    if (mayEndUnclosed) {
      this.pos = this.text.length;
      return { value: out, closed: false };
    }
    throw new Problem(`the ${what} field's closing quote is missing (the line looks truncated)`);
  }

  rest(): string {
    return this.text.slice(this.pos);
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

function daysIn(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]!;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

interface LogTime {
  time: string;
  utcOffsetMinutes: number;
  date: string;
}

/** `17/May/2015:10:05:03 +0000`, Apache's `%t`, checked field by field so the reason names what is wrong. */
function parseTime(t: string): LogTime {
  const m = TIME.exec(t);
  if (!m) throw new Problem(`time ${quote(t)} is not in the form dd/Mon/yyyy:hh:mm:ss +hhmm`);
  const [, dd, mon, yyyy, hh, mi, ss, sign, oh, om] = m as unknown as string[];
  const month = MONTHS.findIndex((n) => n.toLowerCase() === mon!.toLowerCase());
  if (month === -1) throw new Problem(`month ${quote(mon!)} is not a month name (Jan … Dec)`);
  const [year, day] = [Number(yyyy), Number(dd)];
  if (day < 1 || day > daysIn(year, month))
    throw new Problem(`day ${dd} does not exist in ${MONTHS[month]} ${yyyy}`);
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59)
    throw new Problem(`time of day ${hh}:${mi}:${ss} is not valid`);
  if (Number(oh) > 23 || Number(om) > 59) throw new Problem(`UTC offset ${sign}${oh}${om} is not valid`);
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const local = new Date(Date.UTC(2000, 0, 1, Number(hh), Number(mi), Number(ss)));
  local.setUTCFullYear(year, month, day);
  return {
    time: new Date(local.getTime() - offset * 60_000).toISOString(),
    utcOffsetMinutes: offset,
    date: `${yyyy}-${String(month + 1).padStart(2, '0')}-${dd}`,
  };
}

function dashToNull(s: string): string | null {
  return s === '-' ? null : s;
}

function parseOrThrow(raw: string): ParsedRequest {
  const c = new Cursor(raw);
  const clientIp = c.token('client');
  if (isIP(clientIp) === 0) throw new Problem(`client ${quote(clientIp)} is not an IPv4 or IPv6 address`);
  c.space('ident');
  c.token('ident');
  c.space('user');
  c.token('user');
  c.space('[time]');
  const { time, utcOffsetMinutes, date } = parseTime(c.bracketed('time'));
  c.space('request');
  const request = dashToNull(c.quoted('request').value);
  const parts = request?.split(' ') ?? [];
  const split = parts.length === 3 && parts.every((p) => p !== '');
  c.space('status');
  const statusText = c.token('status');
  if (!/^\d{3}$/.test(statusText)) throw new Problem(`status ${quote(statusText)} is not a 3-digit number`);
  c.space('byte count');
  const bytesText = c.token('byte count');
  if (bytesText !== '-' && !(/^\d{1,15}$/.test(bytesText) && Number.isSafeInteger(Number(bytesText))))
    throw new Problem(`byte count ${quote(bytesText)} is neither a whole number nor "-"`);
  c.space('referer');
  const referer = dashToNull(c.quoted('referer').value);
  c.space('user agent');
  const agent = c.quoted('user agent', true);
  const userAgent = dashToNull(agent.value);
  if (!c.atEnd) throw new Problem(`trailing characters after the user agent: ${quote(c.rest())}`);
  return {
    clientIp,
    time,
    utcOffsetMinutes,
    date,
    request,
    method: split ? parts[0]! : null,
    path: split ? parts[1]! : null,
    protocol: split ? parts[2]! : null,
    status: Number(statusText),
    bytes: bytesText === '-' ? null : Number(bytesText),
    referer,
    userAgent,
    truncated: !agent.closed,
  };
}

/**
 * Parses one combined-format line, given without its line terminator (one trailing "\r" or "\n" is
 * tolerated). Fields are separated by single spaces and nothing may follow the user agent. Never throws:
 * anything that is not a complete, valid line comes back as a LineProblem.
 */
export function parseCombinedLine(line: string): ParsedRequest | LineProblem {
  const raw = line.replace(/\r?\n$|\r$/, '');
  if (raw.trim() === '') return { problem: 'the line is empty' };
  try {
    return parseOrThrow(raw);
  } catch (e) {
    if (e instanceof Problem) return { problem: e.message };
    throw e;
  }
}
