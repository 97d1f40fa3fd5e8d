import type { IHeaders, KafkaMessage } from '../../core/kafka/client.js';
import { TRUNCATED_KEY_HEADER, TRUNCATED_VALUE_HEADER } from '../../sinks/runtime/dead-letters.js';

/** The headers the sinks add to a dead letter (sinks/runtime/dead-letters.ts); all start with this. */
export const STARLING_HEADER_PREFIX = 'starling.';

/** One dead letter as read back from `dlq.<group>`: where it is, where it came from, and why. */
export interface DeadLetter {
  dlqTopic: string;
  dlqPartition: number;
  dlqOffset: number;
  /** when the sink dead-lettered it (the dead-letter record's timestamp, ms since the epoch) */
  timestampMs: number;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  stage: string | null;
  code: string;
  message: string;
  key: Buffer | null;
  value: Buffer | null;
  /** the original record's own headers: every header that is not `starling.*` */
  headers: IHeaders;
  /** the key or value was cut to fit the dead-letter topic (sinks/runtime/dead-letters.ts): not replayable */
  truncated: boolean;
}

/** A header as text (the last value when it is repeated); null when absent. */
export function headerText(headers: IHeaders | undefined, name: string): string | null {
  const h = headers?.[name];
  const v = Array.isArray(h) ? h[h.length - 1] : h;
  return v === undefined ? null : v.toString();
}

/** The headers a replayed record carries: the original's, without the ones the dead-lettering added. */
export function originalHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [name, v] of Object.entries(headers ?? {}))
    if (!name.startsWith(STARLING_HEADER_PREFIX) && v !== undefined) out[name] = v;
  return out;
}

function wholeNumber(text: string | null): number | null {
  if (text === null || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Reads a dead-letter record; a missing or malformed header leaves its field null (code: UNKNOWN). */
export function parseLetter(dlqTopic: string, dlqPartition: number, m: KafkaMessage): DeadLetter {
  const h = m.headers;
  const offset = headerText(h, 'starling.source.offset');
  return {
    dlqTopic,
    dlqPartition,
    dlqOffset: Number(m.offset),
    timestampMs: Number(m.timestamp),
    sourceTopic: headerText(h, 'starling.source.topic'),
    sourcePartition: wholeNumber(headerText(h, 'starling.source.partition')),
    sourceOffset: offset !== null && /^\d+$/.test(offset) ? offset : null,
    stage: headerText(h, 'starling.stage'),
    code: headerText(h, 'starling.error.code') ?? 'UNKNOWN',
    message: headerText(h, 'starling.error.message') ?? '',
    key: m.key ?? null,
    value: m.value ?? null,
    headers: originalHeaders(h),
    truncated: headerText(h, TRUNCATED_VALUE_HEADER) !== null || headerText(h, TRUNCATED_KEY_HEADER) !== null,
  };
}
