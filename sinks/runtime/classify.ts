/**
 * Every failure has exactly one outcome:
 * - retry: transient (connection lost, server restarting, serialization failure, deadlock, too many
 *   connections); retried with back-off while the retry window lasts;
 * - record: this record is bad (a data or constraint error on its values); it is dead-lettered and the
 *   stream goes on;
 * - fatal: configuration or our bug; the process exits non-zero with the message.
 */
export type Outcome = 'retry' | 'record' | 'fatal';

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const TRANSIENT_SQLSTATES = new Set([
  '40001',
  '40P01',
  '53300',
  '53200',
  '57P01',
  '57P02',
  '57P03',
  '55P03',
  '58000',
  '58030',
]);

export function classifyDbError(err: unknown): Outcome {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  // An error that says so (kafkajs' retriable errors, the registry restarting) ends by itself.
  if ((err as { retriable?: boolean })?.retriable === true) return 'retry';
  const code = e?.code ?? e?.cause?.code ?? '';
  if (TRANSIENT_NODE_CODES.has(code)) return 'retry';
  if (/^08/.test(code) || TRANSIENT_SQLSTATES.has(code)) return 'retry';
  if (
    /fetch failed|Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
      e?.message ?? '',
    )
  ) {
    return 'retry';
  }
  // 22: data exception (value out of range, invalid text, string too long); 23: integrity constraint.
  if (/^2[23]/.test(code)) return 'record';
  return 'fatal';
}

/** Exponential back-off with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 10_000): number {
  return Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}
