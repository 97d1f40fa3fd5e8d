import type { Digest } from './target.js';

/** One contender's (or raw-consume baseline's) run against one topic. */
export interface Measure {
  contender: 'staging' | 'jdbc' | 'copy' | 'raw-kafkajs' | 'raw-java';
  settings: string;
  /** Kafka records the sink consumed (change events + tombstones + sentinels); COPY: rows. */
  events: number;
  finalRows: number;
  /**
   * Start (process start, connector creation, COPY start) until the final state is visible; raw baselines:
   * the client's own consume time (connect and group join included, process start-up not).
   */
  wallS: number;
  firstRowS: number;
  /** events / wallS; COPY: rows / wallS. */
  rate: number;
  /** CPU seconds of the contender's own process (staging: the starling process; JDBC: the whole Connect worker; COPY: the bench process; raw: the consumer's process, start-up included). */
  cpuS: number;
  /** CPU seconds of every PostgreSQL process meanwhile (other users of the machine included); raw: NaN. */
  pgCpuS: number;
  /** Staging, raw: VmHWM of its process; JDBC: peak VmRSS of the Connect worker during the run; COPY: none. */
  peakRssMb: number | null;
  /** Seconds after the sentinel until the row count was the final one (-1: never within 15 s). */
  settleS: number;
  digest?: Digest;
  /** A baseline that could not be measured (no Java, no tool): why. Its numbers are NaN. */
  unavailable?: string;
  extra: Record<string, unknown>;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
