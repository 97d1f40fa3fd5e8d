import type { Digest } from './target.js';

/** One contender's run against one topic. */
export interface Measure {
  contender: 'staging' | 'jdbc' | 'copy';
  settings: string;
  /** Kafka records the sink consumed (change events + tombstones + sentinels); COPY: rows. */
  events: number;
  finalRows: number;
  /** Start (process start, connector creation, COPY start) until the final state is visible. */
  wallS: number;
  firstRowS: number;
  /** events / wallS; COPY: rows / wallS. */
  rate: number;
  /** CPU seconds of the contender's own process (staging: the starling process; JDBC: the whole Connect worker; COPY: the bench process). */
  cpuS: number;
  /** CPU seconds of every PostgreSQL process meanwhile (other users of the machine included). */
  pgCpuS: number;
  /** Staging: VmHWM of its process; JDBC: peak VmRSS of the Connect worker during the run; COPY: none. */
  peakRssMb: number | null;
  /** Seconds after the sentinel until the row count was the final one (-1: never within 15 s). */
  settleS: number;
  digest?: Digest;
  extra: Record<string, unknown>;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
