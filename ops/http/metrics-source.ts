/**
 * The `/metrics` callback of a long-running process: measures lag for the given groups at most once per
 * `cacheMs` (scrapes in between reuse the sample, and concurrent scrapes share one measurement), passes the
 * previous sample to measureLag so the status is judged over the interval between them, and renders the
 * sink counters as they are at the scrape.
 */
import type { Kafka } from '../../core/kafka/client.js';
import { type LagSample, measureLag } from '../lag/lag.js';
import { renderMetrics, type SinkMetricsInput } from './metrics.js';

export interface MetricsSourceOptions {
  kafka: Kafka;
  groups: string[];
  sinks: () => SinkMetricsInput[];
  /** default 5000 */
  cacheMs?: number;
  /** default 5000: how long reading oldest unconsumed records may take */
  readTimeoutMs?: number;
  now?: () => number;
}

export function createMetricsSource(opts: MetricsSourceOptions): () => Promise<string> {
  const cacheMs = opts.cacheMs ?? 5000;
  const now = opts.now ?? Date.now;
  let last: LagSample | undefined;
  let inFlight: Promise<LagSample> | undefined;

  const sample = async (): Promise<LagSample> => {
    if (last !== undefined && now() - last.at < cacheMs) return last;
    inFlight ??= measureLag(opts.kafka, {
      groups: opts.groups,
      previous: last,
      readTimeoutMs: opts.readTimeoutMs ?? 5000,
    })
      .then((s) => {
        last = s;
        return s;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return async () => renderMetrics(await sample(), opts.sinks(), now());
}
