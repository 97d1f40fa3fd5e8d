/**
 * `GET /health`: the state of every component the pipeline depends on. Each Kafka Connect connector and task
 * with its state as Connect reports it (a FAILED one with the first line of its trace), the schema registry
 * (GET <ccompat>/subjects), the staging PostgreSQL and MariaDB (SELECT 1), and Kafka (describeCluster).
 * Every check is bounded by a timeout and runs in parallel with the others; error text is scrubbed of
 * secrets (connection strings, configured passwords) before it is reported.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { ConnectApi } from '../../connectors/connect-api.js';
import type { SupervisedState } from '../../connectors/supervisor.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { redactText } from '../../core/config/redact.js';
import { authHeaders, mysqlSslOptions } from '../../core/config/security.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { epochReports, type PartitionEpochReport } from '../../sinks/epochs/report.js';

/** UP / DOWN for Starling's own probes; Kafka Connect's own states (RUNNING, FAILED, PAUSED, ...) as reported. */
export interface ComponentHealth {
  name: string;
  state: string;
  detail?: string;
  /** Restarts the connector supervisor made of this connector part. */
  restarts?: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  components: ComponentHealth[];
}

export interface HealthOptions {
  /** per check (default 5 s) */
  timeoutMs?: number;
  /**
   * The consumer groups this process consumes in: each is a component with its state as Kafka reports it
   * (Stable; a rebalance in progress; Empty or Dead when nobody consumes, e.g. paused for a replay).
   */
  groups?: string[];
  /** What the connector supervisor did (restarts, unrecoverable parts), shown with each connector part. */
  supervised?: () => SupervisedState[];
}

/** A group rebalancing is normal operation (a member joined or left); Empty or Dead is not, for a running stage. */
const HEALTHY = new Set(['UP', 'RUNNING', 'Stable', 'PreparingRebalance', 'CompletingRebalance']);

class TimeoutError extends Error {}

async function withTimeout<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n').find((l) => l.trim() !== '');
  return line?.trim();
}

export async function checkHealth(config: StarlingConfig, opts: HealthOptions = {}): Promise<HealthReport> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const scrub = (e: unknown) => redactText(e instanceof Error ? e.message : String(e), config.secrets);

  const probe = async (name: string, check: () => Promise<void>): Promise<ComponentHealth[]> => {
    try {
      await withTimeout(name, timeoutMs, check);
      return [{ name, state: 'UP' }];
    } catch (e) {
      return [{ name, state: 'DOWN', detail: scrub(e) }];
    }
  };

  const connectors = async (): Promise<ComponentHealth[]> => {
    const api = new ConnectApi(config.connect.url, config.connect.auth);
    try {
      return await withTimeout('kafka-connect', timeoutMs, async () => {
        const names = (await api.list()).sort();
        const statuses = await Promise.all(names.map((n) => api.status(n)));
        return statuses.flatMap((s): ComponentHealth[] => [
          withDetail({ name: `connector:${s.name}`, state: s.connector.state }, s.connector.trace, scrub),
          ...[...s.tasks]
            .sort((a, b) => a.id - b.id)
            .map((t) =>
              withDetail({ name: `connector:${s.name}/task:${t.id}`, state: t.state }, t.trace, scrub),
            ),
        ]);
      });
    } catch (e) {
      return [{ name: 'kafka-connect', state: 'DOWN', detail: scrub(e) }];
    }
  };

  const registry = () =>
    probe('registry', async () => {
      const res = await fetch(`${config.registry.ccompatUrl}/subjects`, {
        headers: authHeaders(config.registry.auth),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.text();
      if (!res.ok) throw new Error(`GET /subjects: HTTP ${res.status}`);
    });

  const postgres = () =>
    probe('postgres-staging', async () => {
      const client = new pg.Client({
        connectionString: config.postgres.stagingUrl,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
      });
      // A client whose connection fails after the timeout must not crash the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    });

  const mariadb = () =>
    probe('mariadb', async () => {
      const conn = await mysql.createConnection({
        host: config.mysql.host,
        port: config.mysql.port,
        user: config.mysql.user,
        password: config.mysql.password,
        ssl: mysqlSslOptions(config.mysql.tls),
        connectTimeout: timeoutMs,
      });
      conn.on('error', () => undefined);
      try {
        await conn.query('SELECT 1');
      } finally {
        await conn.end().catch(() => undefined);
      }
    });

  const kafka = () =>
    probe('kafka', async () => {
      const admin = createKafka(
        kafkaOptionsFrom(config, { retries: 0, connectionTimeoutMs: timeoutMs }),
      ).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    });

  const groups = async (): Promise<ComponentHealth[]> => {
    if (!opts.groups?.length) return [];
    // Default retries (finding a group's coordinator can take one); the timeout bounds the whole check.
    const admin = createKafka(kafkaOptionsFrom(config, { connectionTimeoutMs: timeoutMs })).admin();
    try {
      return await withTimeout('consumer groups', timeoutMs, async () => {
        await admin.connect();
        const { groups: described } = await admin.describeGroups(opts.groups!);
        return described.map((g) => ({
          name: `group:${g.groupId}`,
          state: g.state,
          detail: `${g.members.length} member${g.members.length === 1 ? '' : 's'}`,
        }));
      });
    } catch (e) {
      return opts.groups.map((g) => ({ name: `group:${g}`, state: 'DOWN', detail: scrub(e) }));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  const components = (
    await Promise.all([connectors(), registry(), postgres(), mariadb(), kafka(), groups()])
  ).flat();
  for (const sv of opts.supervised?.() ?? []) {
    const name = sv.part === 'connector' ? `connector:${sv.name}` : `connector:${sv.name}/task:${sv.part}`;
    const c = components.find((x) => x.name === name);
    if (!c) continue;
    if (sv.restarts > 0) c.restarts = sv.restarts;
    if (sv.unrecoverable && c.state !== 'RUNNING')
      c.detail = `${c.detail ? `${c.detail} — ` : ''}cannot recover by a restart: ${sv.unrecoverable.reason}. Way out: ${sv.unrecoverable.wayOut}`;
  }
  components.push(...epochHealth(epochReports()));
  return { status: overallStatus(components), components };
}

/**
 * One line per raw partition whose source coordinates restarted or whose guard raised the alarm. A detected
 * epoch is UP (its changes are applied) but named, so nobody misses that the source was reset; a partition
 * whose newest batch raised the guard alarm is ALARM (degraded) until a batch is accepted again.
 */
export function epochHealth(reports: readonly PartitionEpochReport[]): ComponentHealth[] {
  return reports
    .filter((r) => r.epochsDetected > 0 || r.guardAlarms > 0)
    .map((r) => ({
      name: `source-epoch:${r.group}/${r.topic}/${r.partition}`,
      state: r.guardAlarmActive ? 'ALARM' : 'UP',
      detail: [
        r.epochsDetected > 0 ? `epoch ${r.currentEpoch}: ${r.lastRestart}` : undefined,
        r.guardAlarmActive ? `position guard alarm: ${r.lastGuardAlarm}` : undefined,
      ]
        .filter((x) => x !== undefined)
        .join(' — '),
    }));
}

function withDetail(
  c: ComponentHealth,
  trace: string | undefined,
  scrub: (e: unknown) => string,
): ComponentHealth {
  if (c.state !== 'FAILED') return c;
  const line = firstLine(trace);
  return line === undefined ? c : { ...c, detail: scrub(line) };
}

/** ok when every component is UP or RUNNING; anything else (DOWN, FAILED, PAUSED, UNASSIGNED...) degrades. */
export function overallStatus(components: ComponentHealth[]): 'ok' | 'degraded' {
  return components.every((c) => HEALTHY.has(c.state)) ? 'ok' : 'degraded';
}
