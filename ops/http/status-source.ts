/**
 * The callbacks of the operations HTTP server of a long-running process: `/metrics`, `/health` and
 * `/api/status` over one lag sampler (so the page and the metrics agree), the health checks cached for the
 * page (they are slower: up to their timeout each), a ring buffer of each group's total lag for the chart
 * (one point per lag sample, whoever asked for it) and the stages' throughput from their counters.
 */
import type { Kafka } from '../../core/kafka/client.js';
import { createCachedValue } from './cached.js';
import type { HealthReport } from './health.js';
import type { SinkMetricsInput } from './metrics.js';
import { createLagSampler, createMetricsSource, type LagSampler } from './metrics-source.js';
import { RateTracker } from './rates.js';
import { RingBuffer } from './ring-buffer.js';
import { assembleStatus, historyPoint, type LagHistoryPoint, type StatusReport } from './status.js';

export interface OpsEndpointsOptions {
  kafka: Kafka;
  /** the groups of the process's stages */
  groups: string[];
  sinks: () => SinkMetricsInput[];
  health: () => Promise<HealthReport>;
  /** configured secrets, masked in every string of the status */
  secrets?: readonly string[];
  /** lag sample reuse, default 5000 */
  lagCacheMs?: number;
  /** health report reuse for the page, default 5000 */
  healthCacheMs?: number;
  /** points of the lag chart kept, default 720 (an hour at one sample per 5 s) */
  historySize?: number;
  /** throughput window, default 10 s */
  rateWindowMs?: number;
  now?: () => number;
}

export interface OpsEndpoints {
  metrics: () => Promise<string>;
  health: () => Promise<HealthReport>;
  status: () => Promise<StatusReport>;
  sampler: LagSampler;
}

export function createOpsEndpoints(opts: OpsEndpointsOptions): OpsEndpoints {
  const now = opts.now ?? Date.now;
  const history = new RingBuffer<LagHistoryPoint>(opts.historySize ?? 720);
  const sampler = createLagSampler({
    kafka: opts.kafka,
    groups: opts.groups,
    cacheMs: opts.lagCacheMs,
    now,
    onSample: (s) => history.push(historyPoint(s, opts.groups)),
  });
  const cachedHealth = createCachedValue(opts.health, opts.healthCacheMs ?? 5000, now);
  const rates = new RateTracker(opts.rateWindowMs ?? 10_000);
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

  const status = async (): Promise<StatusReport> => {
    const [lag, health] = await Promise.allSettled([sampler(), cachedHealth()]);
    const at = now();
    const sinks = opts.sinks();
    rates.observe(at, new Map(sinks.map((s) => [s.group, s.stats.records])));
    return assembleStatus({
      at,
      groups: opts.groups,
      history: history.toArray(),
      sinks,
      rates: rates.rates(),
      ...(lag.status === 'fulfilled' ? { lag: lag.value } : { lagError: message(lag.reason) }),
      ...(health.status === 'fulfilled' ? { health: health.value } : { healthError: message(health.reason) }),
      secrets: opts.secrets,
    });
  };

  return {
    metrics: createMetricsSource({ sampler, sinks: opts.sinks, now }),
    health: opts.health,
    status,
    sampler,
  };
}
