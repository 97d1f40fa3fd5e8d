import { afterAll, describe, expect, it } from 'vitest';
import { createKafka, createProducer, ensureTopic, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import { SinkRunner } from '../../sinks/runtime/sink-runner.js';
import { testConfig, uniqueName } from '../support/context.js';

// kafkajs stops a consumer for good on a non-retriable error, and says so only through its CRASH event (its
// own logger is off): a sink that ignored it would stall silently, holding no partitions and never exiting.
// Here the real broker refuses the join itself (a session timeout below group.min.session.timeout.ms, 6 s):
// the runner must say so, try again with a new consumer, and end fatally once the retry window is spent.
const config = testConfig();
const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'consumer-crash-test' }));
const topic = uniqueName('crash.topic');
const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = {
  debug: () => undefined,
  info: (msg, fields) => logged.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
  child: () => log,
};
let runner: SinkRunner | undefined;

afterAll(async () => {
  await runner?.stop().catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
  await admin.disconnect();
});

describe('a consumer that kafkajs stops for good', () => {
  it('is replaced while the retry window lasts, then the sink fails instead of stalling', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, []);
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }] });
    await producer.disconnect();

    let processed = 0;
    const fatal = new Promise<Error>((resolve) => {
      runner = new SinkRunner({
        kafka,
        groupId: uniqueName('crash-group'),
        topicFilter: (t) => t === topic,
        processor: {
          process: async () => {
            processed++;
            return [];
          },
        },
        dlqTopic: `${topic}.dlq`,
        log,
        sessionTimeoutMs: 1000, // refused by the broker: INVALID_SESSION_TIMEOUT, not retriable
        watchIntervalMs: 300,
        retryWindowMs: 4000,
        onFatal: resolve,
      });
    });
    await runner!.start();
    const error = await Promise.race([
      fatal,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 60_000)), // a deadline, not a wait
    ]);
    expect(error?.message, 'the sink stalled without failing').toMatch(/session timeout/i);
    const rejoins = logged.filter((l) => l.msg.includes('non-retriable error; rejoining'));
    expect(rejoins.length).toBeGreaterThanOrEqual(2);
    expect(String(rejoins[0]!.fields?.error)).toMatch(/session timeout/i);
    expect(processed).toBe(0);
  }, 90_000);
});
