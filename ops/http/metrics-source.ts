/**
 * The lag sampler of a long-running process and the `/metrics` callback on top of it. The sampler measures
 * lag for the given groups at most once per `cacheMs` (callers in between reuse the sample, and concurrent
 * callers share one measurement) and passes the previous sample to measureLag so the status is judged over
 * the interval between them. `/metrics` and `/api/status` share one sampler, so the page and the metrics show
 * the same numbers; the sink counters are rendered as they are at the scrape.
 */
import type { Kafka } from '../../core/kafka/client.js';
import { epochReports } from '../../sinks/epochs/report.js';
import { type LagSample, measureLag } from '../lag/lag.js';
import { renderMetrics, type SinkMetricsInput } from './metrics.js';

export interface LagSamplerOptions {
  kafka: Kafka;
  groups: string[];
  /** default 5000 */
  cacheMs?: number;
  /** default 5000: how long reading oldest unconsumed records may take */
  readTimeoutMs?: number;
  now?: () => number;
  /** called with every new sample (the health page's history) */
  onSample?: (sample: LagSample) => void;
}

export type LagSampler = () => Promise<LagSample>;

export function createLagSampler(opts: LagSamplerOptions): LagSampler {
  const cacheMs = opts.cacheMs ?? 5000;
  const now = opts.now ?? Date.now;
  let last: LagSample | undefined;
  let inFlight: Promise<LagSample> | undefined;

  return async (): Promise<LagSample> => {
    if (last !== undefined && now() - last.at < cacheMs) return last;
    inFlight ??= measureLag(opts.kafka, {
      groups: opts.groups,
      previous: last,
      readTimeoutMs: opts.readTimeoutMs ?? 5000,
    })
      .then((s) => {
        last = s;
        opts.onSample?.(s);
        return s;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

export type MetricsSourceOptions = {
  sinks: () => SinkMetricsInput[];
  now?: () => number;
} & ({ sampler: LagSampler } | LagSamplerOptions);

export function createMetricsSource(opts: MetricsSourceOptions): () => Promise<string> {
  const now = opts.now ?? Date.now;
  const sample = 'sampler' in opts ? opts.sampler : createLagSampler(opts);
  return async () => renderMetrics(await sample(), opts.sinks(), now(), epochReports());
}
