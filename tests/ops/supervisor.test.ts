import { afterAll, describe, expect, it } from 'vitest';
import { ConnectApi } from '../../connectors/connect-api.js';
import { ConnectorSupervisor } from '../../connectors/supervisor.js';
import { createKafka } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { newCapture } from '../support/capture.js';
import { mysqlConnection, testConfig } from '../support/context.js';

// A Debezium task that FAILS — its raw topic refuses the records (max.message.bytes far too small, an
// operator's mistake) — is restarted by the supervisor with back-off while the cause lasts, and recovers by
// itself once the topic is fixed, with no operator touching the connector.
const base = testConfig();
const cap = newCapture(base, 'it_superv');
const api = new ConnectApi(base.connect.url);
const kafka = createKafka({ brokers: base.kafka.brokers });

afterAll(async () => {
  await cap.drop();
});

async function states(): Promise<string[]> {
  const s = await api.status(cap.connector).catch(() => undefined);
  return s ? [s.connector.state, ...s.tasks.map((t) => t.state)] : [];
}

describe('connector supervisor', () => {
  it('restarts a FAILED task with back-off, and it recovers by itself once the cause is fixed', async () => {
    const conn = await mysqlConnection(base);
    await conn.query(`CREATE DATABASE \`${cap.db}\``);
    await conn.query(`CREATE TABLE \`${cap.db}\`.t (id INT PRIMARY KEY, v VARCHAR(200))`);
    await conn.query(`INSERT INTO \`${cap.db}\`.t VALUES (1, REPEAT('x', 150))`);
    await conn.end();
    const topic = cap.topic('t');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '64' }] }],
      });
      await cap.start();
      await expect.poll(states, { timeout: 120_000, interval: 1000 }).toContain('FAILED');

      const supervisor = new ConnectorSupervisor(api, createLogger('silent'), {
        intervalMs: 1000,
        baseMs: 1000,
        maxMs: 4000,
      });
      supervisor.start();
      try {
        const restarts = () =>
          Math.max(
            0,
            ...supervisor
              .report()
              .filter((s) => s.name === cap.connector)
              .map((s) => s.restarts),
          );
        await expect.poll(restarts, { timeout: 90_000, interval: 500 }).toBeGreaterThanOrEqual(2);
        // Still failing while the cause lasts (between restarts; right after one it shows RUNNING briefly).
        await expect.poll(states, { timeout: 60_000, interval: 200 }).toContain('FAILED');

        // The cause goes away; the supervisor's next restart brings the task up and the record lands.
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            { type: 2, name: topic, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] },
          ],
        });
        await expect
          .poll(
            async () => {
              const s = await states();
              return s.length >= 2 && s.every((x) => x === 'RUNNING');
            },
            { timeout: 120_000, interval: 1000 },
          )
          .toBe(true);
        await expect
          .poll(async () => Number((await admin.fetchTopicOffsets(topic))[0]!.high), { timeout: 60_000 })
          .toBeGreaterThanOrEqual(1);
      } finally {
        await supervisor.stop();
      }
    } finally {
      await admin.disconnect();
    }
  });
});
