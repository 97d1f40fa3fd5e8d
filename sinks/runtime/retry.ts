import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../core/log/logger.js';
import { backoffMs, classifyDbError } from './classify.js';
import { isTransientKafkaError } from './kafka-transient.js';

/** A condition the process cannot get past by itself: it exits non-zero with this message. */
export class FatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalError';
  }
}

export interface RetryOptions {
  what: string;
  /** How long a transient failure may last before it becomes fatal. */
  windowMs: number;
  log: Logger;
  /** Keeps the consumer-group membership alive while waiting out an outage. */
  heartbeat?: () => Promise<void>;
}

/**
 * Runs `fn`, retrying transient failures with jittered back-off until the window closes. Non-transient
 * errors are rethrown at once for the caller to dead-letter (record errors) or stop (fatal).
 */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      // A database or registry outage, or a Kafka broker restarting (a produce of the conform processor, a
      // source-epoch save): both end by themselves.
      if (classifyDbError(e) !== 'retry' && !isTransientKafkaError(e)) throw e;
      if (Date.now() - start > o.windowMs) {
        throw new FatalError(
          `${o.what}: still failing after ${Math.round(o.windowMs / 1000)} s: ${(e as Error).message}`,
        );
      }
      if (attempt % 10 === 0)
        o.log.warn(`${o.what}: transient failure, retrying`, { attempt, error: (e as Error).message });
      await sleep(backoffMs(attempt));
      await o.heartbeat?.().catch(() => undefined);
    }
  }
}
