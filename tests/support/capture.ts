import { ConnectApi } from '../../connectors/connect-api.js';
import { defaultCaptureOptions, mariaDbConnectorConfig } from '../../connectors/mariadb.js';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { mysqlConnection, uniqueName } from './context.js';
import { testHttpPort } from './ports.js';

/**
 * A private capture for a test or a benchmark: its own MariaDB database, Debezium connector, topic prefix
 * and staging group, so it never sees anyone else's changes and leaves nothing behind. `config` is a
 * StarlingConfig for that prefix and group; `env` is the environment a `starling` process for it needs.
 * (No vitest here: bench/ uses it too.)
 */
export interface Capture {
  db: string;
  prefix: string;
  group: string;
  connector: string;
  config: StarlingConfig;
  env: Record<string, string>;
  topic(table: string): string;
  start(): Promise<void>;
  /** Connector, database, topics, groups (the staging group and `extraGroups`), registry subjects. */
  drop(extraGroups?: string[]): Promise<string[]>;
}

export function newCapture(
  base: StarlingConfig,
  label: string,
  role: 'it' | 'bench' = 'it',
  /** More settings of the capture, e.g. STARLING_MARIADB_PORT for a private source server. */
  extraEnv: Record<string, string> = {},
  /** Changes to the connector's config (a benchmark comparing with Debezium's default field names). */
  adjustConnector: (config: Record<string, string>) => Record<string, string> = (c) => c,
): Capture {
  const db = uniqueName(label);
  const prefix = db.replaceAll('_', '-');
  const group = `${role}-staging-${prefix}`;
  const env = {
    STARLING_TOPIC_PREFIX: prefix,
    STARLING_STAGING_GROUP: group,
    // A capture's `starling run` mirrors it into staging; a star test (tests/support/star.ts) adds the rest.
    STARLING_PIPELINE: 'staging',
    STARLING_LOG_LEVEL: 'warn',
    // A `starling run` of this capture serves /metrics on its own port, never on a running pipeline's 3000.
    STARLING_HTTP_PORT: testHttpPort(),
    ...extraEnv,
  };
  const config = loadConfig({ ...process.env, ...env });
  const api = new ConnectApi(base.connect.url);
  const connector = `${role}-${prefix}`;
  return {
    db,
    prefix,
    group,
    connector,
    config,
    env,
    topic: (table) => `${prefix}.${db}.${table}`,
    async start() {
      const conn = await mysqlConnection(config);
      try {
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4`);
        await conn.query(
          `CREATE TABLE IF NOT EXISTS \`${db}\`.debezium_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT NULL)`,
        );
      } finally {
        await conn.end();
      }
      await api.upsert(
        connector,
        adjustConnector(
          mariaDbConnectorConfig(config, {
            ...defaultCaptureOptions(config),
            name: connector,
            databases: [db],
            serverId: 300_000 + Math.floor(Math.random() * 500_000),
          }),
        ),
      );
    },
    async drop(extraGroups = []) {
      // Every step is attempted; the ones that failed are returned (cleanup must not hide the run's error).
      const failed: string[] = [];
      const step = async (what: string, f: () => Promise<unknown>) => {
        try {
          await f();
        } catch (e) {
          failed.push(`${what}: ${(e as Error).message}`);
        }
      };
      // Connect answers 409 while it rebalances and not at all while it restarts (the fault matrix ends
      // right after restarting it): a connector left behind would keep failing on its dropped database.
      await step('connector', async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await api.delete(connector);
          } catch (e) {
            if (attempt >= 30) throw e;
            await new Promise((r) => setTimeout(r, 2000));
          }
        }
      });
      await step('database', async () => {
        const conn = await mysqlConnection(config);
        try {
          await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
        } finally {
          await conn.end();
        }
      });
      const admin = createKafka({ brokers: base.kafka.brokers }).admin();
      await step('kafka', async () => {
        await admin.connect();
        // Raw topics, the dead-letter topic (dlq.<group>) and the schema history all carry the prefix.
        const mine = (await admin.listTopics()).filter((t) => t.includes(prefix));
        if (mine.length) await admin.deleteTopics({ topics: mine });
        // Only the groups that exist: a capture whose staging group never ran has none to delete.
        const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
        const groups = [group, ...extraGroups].filter((g) => existing.has(g));
        if (groups.length) await admin.deleteGroups(groups);
      });
      await admin.disconnect().catch(() => undefined);
      await step('registry', () => deleteSubjects(base.registry.ccompatUrl, prefix));
      return failed;
    },
  };
}

/** Every topic under these prefixes and their <topic>-key / <topic>-value subjects (best effort, for cleanup). */
export async function dropTopicsUnder(config: StarlingConfig, prefixes: string[]): Promise<void> {
  const admin = createKafka({ brokers: config.kafka.brokers }).admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(`${p}.`)));
  if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();
  for (const t of mine)
    for (const side of ['key', 'value'])
      await fetch(`${config.registry.ccompatUrl}/subjects/${encodeURIComponent(`${t}-${side}`)}`, {
        method: 'DELETE',
      }).catch(() => undefined);
}

/** The converter registered <topic>-key / <topic>-value subjects (heartbeat topic included); remove this prefix's. */
async function deleteSubjects(ccompatUrl: string, prefix: string): Promise<void> {
  const res = await fetch(`${ccompatUrl}/subjects`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET /subjects: HTTP ${res.status}`);
  const subjects = ((await res.json()) as string[]).filter((s) => s.includes(prefix));
  for (const s of subjects) {
    for (const permanent of ['', '?permanent=true']) {
      const del = await fetch(`${ccompatUrl}/subjects/${encodeURIComponent(s)}${permanent}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(10_000),
      });
      if (!del.ok && del.status !== 404) throw new Error(`DELETE subject ${s}: HTTP ${del.status}`);
    }
  }
}
