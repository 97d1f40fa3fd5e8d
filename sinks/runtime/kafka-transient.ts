/**
 * Kafka failures that end by themselves once the broker is back (a restart, a leader move): kafkajs marks
 * them retriable, possibly under a "number of retries exceeded" wrapper whose cause is the real error.
 * Everything else (authorization, a record too large, a bug) is not waited out.
 */
export function isTransientKafkaError(e: unknown): boolean {
  let x = e as { retriable?: boolean; cause?: unknown; message?: string } | undefined;
  for (let depth = 0; x && depth < 5; depth++) {
    if (x.retriable === true) return true;
    // kafkajs restarting a consumer that lost the broker refuses calls on it meanwhile (non-retriable).
    if (/Consumer group was not initialized, consumer#run must be called/.test(x.message ?? '')) return true;
    x = x.cause as typeof x;
  }
  return false;
}

/** The protocol error type (REBALANCE_IN_PROGRESS, ...) of a Kafka error, looking through kafkajs' wrappers. */
export function kafkaErrorType(e: unknown): string | undefined {
  let x = e as { type?: string; cause?: unknown; originalError?: unknown } | undefined;
  for (let depth = 0; x && depth < 5; depth++) {
    if (typeof x.type === 'string') return x.type;
    x = (x.cause ?? x.originalError) as typeof x;
  }
  return undefined;
}
