import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { avroConverterConfig } from '../../connectors/avro-converter.js';
import type { ConnectApi } from '../../connectors/connect-api.js';
import type { StarlingConfig } from '../../core/config/load.js';
import type { Admin } from '../../core/kafka/client.js';
import { cpuByService } from '../proc-cpu.js';
import { type Measure, round } from './measure.js';
import { cpuSeconds, rssPeakSampler } from './proc.js';
import { digest, q, settle, type Target, waitForSentinel } from './target.js';

export interface JdbcSetting {
  batchSize: number;
  reductionBuffer: boolean;
  /** dialect.postgres.unnest.insert.enabled: one INSERT ... SELECT FROM unnest(...) per batch. */
  unnest?: boolean;
  /** The PostgreSQL driver's reWriteBatchedInserts: a JDBC batch of inserts sent as multi-row INSERTs. */
  rewriteBatchedInserts?: boolean;
}

export const settingText = (s: JdbcSetting) =>
  `batch.size=${s.batchSize}, use.reduction.buffer=${s.reductionBuffer}${s.unnest ? ', unnest' : ''}${s.rewriteBatchedInserts ? ', reWriteBatchedInserts' : ''}`;

/**
 * The Debezium JDBC sink's config: upserts keyed by the record key, deletes (and tombstones) applied, the
 * table created from the first record's schema, the same Avro converter as Starling's source connectors.
 * The consumer may return a whole batch per poll (max.poll.records = batch.size, and fetches large enough
 * for it), else batch.size above the default 500 records per poll would change nothing.
 */
export function jdbcSinkConfig(
  config: StarlingConfig,
  topic: string,
  target: Target,
  s: JdbcSetting,
): Record<string, string> {
  const u = new URL(config.postgres.stagingUrl);
  const fetchBytes = String(Math.max(1 << 20, s.batchSize * 1024));
  return {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    'tasks.max': '1',
    topics: topic,
    'connection.url': `jdbc:postgresql://${u.hostname}:${u.port || 5432}${u.pathname}${s.rewriteBatchedInserts ? '?reWriteBatchedInserts=true' : ''}`,
    'connection.username': decodeURIComponent(u.username),
    'connection.password': decodeURIComponent(u.password),
    'insert.mode': 'upsert',
    'delete.enabled': 'true',
    'primary.key.mode': 'record_key',
    'schema.evolution': 'basic',
    'table.name.format': `${target.schema}.${target.table}`,
    'batch.size': String(s.batchSize),
    'use.reduction.buffer': String(s.reductionBuffer),
    'dialect.postgres.unnest.insert.enabled': String(Boolean(s.unnest)),
    'consumer.override.max.poll.records': String(s.batchSize),
    'consumer.override.max.partition.fetch.bytes': fetchBytes,
    'consumer.override.fetch.max.bytes': String(Math.max(52_428_800, Number(fetchBytes))),
    'consumer.override.auto.offset.reset': 'earliest',
    ...avroConverterConfig(config),
  };
}

/** The connector or its task went FAILED; `rootCause` is the innermost "Caused by" of Connect's trace. */
export class JdbcSinkFailed extends Error {
  readonly rootCause: string;
  constructor(name: string, trace: string) {
    const causes = trace.split('\n').filter((l) => l.startsWith('Caused by: '));
    const cause = (causes.at(-1) ?? trace.split('\n')[0] ?? '').replace(/^Caused by: /, '').slice(0, 300);
    super(`the JDBC sink ${name} FAILED: ${cause}`);
    this.name = 'JdbcSinkFailed';
    this.rootCause = cause;
  }
}

export interface JdbcRunInput {
  config: StarlingConfig;
  api: ConnectApi;
  admin: Admin;
  pool: pg.Pool;
  /** The Connect worker JVM (it also hosts the idle source connectors). */
  workerPid: number | undefined;
  name: string;
  topic: string;
  target: Target;
  setting: JdbcSetting;
  records: number;
  finalRows: number;
  sentinelKey: number;
  marker: number;
  timeoutS: number;
  step: (line: string) => void;
}

/**
 * (b) One run of the Debezium JDBC sink on the stack's Kafka Connect: an empty target, a new connector (so
 * a new consumer group, from the beginning), timed from its creation until the sentinel is visible; then
 * the connector, its group and its table are removed. Its group commits only every offset.flush.interval.ms,
 * which is why completion is read from the table, not from offsets.
 */
export async function runJdbc(i: JdbcRunInput): Promise<Measure> {
  await i.pool.query(`CREATE SCHEMA IF NOT EXISTS "${i.target.schema}"`);
  await i.pool.query(`DROP TABLE IF EXISTS ${q(i.target)}`);
  const cfg = jdbcSinkConfig(i.config, i.topic, i.target, i.setting);
  const pid = i.workerPid;
  const svc0 = cpuByService();
  const cpu0 = pid ? (cpuSeconds(pid) ?? Number.NaN) : Number.NaN;
  const rss = pid ? rssPeakSampler(pid) : undefined;
  const t0 = performance.now();
  try {
    await i.api.upsert(i.name, cfg);
    let lastStatus = 0;
    const arrival = await waitForSentinel(i.pool, i.target, i.sentinelKey, i.marker, t0, {
      timeoutS: i.timeoutS,
      check: async () => {
        if (performance.now() - lastStatus < 1000) return;
        lastStatus = performance.now();
        const st = await i.api.status(i.name).catch(() => undefined);
        const failed = [st?.connector, ...(st?.tasks ?? [])].find((x) => x?.state === 'FAILED');
        if (failed) throw new JdbcSinkFailed(i.name, failed.trace ?? '');
      },
    });
    const cpuS = pid ? (cpuSeconds(pid) ?? Number.NaN) - cpu0 : Number.NaN;
    const pgCpuS = (cpuByService().postgresql ?? 0) - (svc0.postgresql ?? 0);
    const peakRssMb = rss ? rss.stop() : Number.NaN;
    const settleS = await settle(i.pool, i.target, i.finalRows);
    return {
      contender: 'jdbc',
      settings: settingText(i.setting),
      events: i.records,
      finalRows: i.finalRows,
      wallS: round(arrival.sentinelS, 3),
      firstRowS: round(arrival.firstRowS, 3),
      rate: Math.round(i.records / arrival.sentinelS),
      cpuS: round(cpuS, 2),
      pgCpuS: round(pgCpuS, 2),
      peakRssMb: Math.round(peakRssMb),
      settleS: round(settleS, 3),
      digest: await digest(i.pool, i.target),
      extra: {
        connector: i.name,
        workerRssAtStartMb: rss ? Math.round(rss.startMb) : null,
        config: Object.fromEntries(
          Object.entries(cfg).filter(([k]) => !k.includes('password') && !k.includes('converter')),
        ),
      },
    };
  } finally {
    rss?.stop();
    await removeConnector(i.api, i.admin, i.name, i.step);
    await i.pool.query(`DROP TABLE IF EXISTS ${q(i.target)}`).catch(() => undefined);
  }
}

/** Deletes the connector, waits until Connect no longer lists it, then deletes its consumer group. */
export async function removeConnector(
  api: ConnectApi,
  admin: Admin,
  name: string,
  step: (line: string) => void,
): Promise<void> {
  try {
    await api.delete(name);
    for (let n = 0; n < 100 && (await api.list()).includes(name); n++) await sleep(100);
  } catch (e) {
    step(`delete connector ${name}: ${(e as Error).message}`);
  }
  // The task leaves the group as it stops; until then the group is not empty and cannot be deleted.
  for (let n = 0; n < 40; n++) {
    try {
      await admin.deleteGroups([`connect-${name}`]);
      return;
    } catch (e) {
      const code = (e as { groups?: Array<{ error?: { type?: string } }> }).groups?.[0]?.error?.type;
      if (code === 'GROUP_ID_NOT_FOUND') return;
      await sleep(250);
    }
  }
  step(`could not delete consumer group connect-${name}`);
}
