import { randomUUID } from 'node:crypto';
import type { StarlingConfig } from '../../core/config/load.js';
import {
  type Consumer,
  createConsumer,
  createProducer,
  ensureTopic,
  type Kafka,
  type Producer,
} from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';

/**
 * The control topic every Starling process listens to (`<topic prefix>.control`), so an operator command can
 * reach the pipeline's consumers wherever they run: `pause` makes the members of a consumer group leave it
 * (an offset reset needs an empty group), `resume` makes them rejoin. Each process reads the topic with a
 * consumer group of its own (every process sees every message), from the end: commands are for the
 * processes running now. Replies (`paused`, `resumed`) let the sender see who obeyed.
 */
export type ControlMessage =
  | { type: 'pause' | 'resume'; group: string; requestId: string }
  | { type: 'paused' | 'resumed'; group: string; requestId: string; instance: string };

/** The per-process groups of control-topic listeners; `starling lag` does not report them. */
export const CONTROL_GROUP_PREFIX = 'starling-control-';

export function controlTopic(config: StarlingConfig): string {
  return `${config.topics.prefix}.control`;
}

export class ControlChannel {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopped = false;
  private readonly groupId = `${CONTROL_GROUP_PREFIX}${randomUUID()}`;
  readonly instance = `${process.pid}@${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly log: Logger,
  ) {}

  /** Creates the topic when missing, then delivers every message that arrives from now on to `onMessage`. */
  async start(onMessage: (m: ControlMessage) => Promise<void> | void): Promise<void> {
    await ensureControlTopic(this.kafka, this.topic);
    this.producer = createProducer(this.kafka, { idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.listen(onMessage);
  }

  private async listen(onMessage: (m: ControlMessage) => Promise<void> | void): Promise<void> {
    const consumer = createConsumer(this.kafka, { groupId: this.groupId, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    // kafkajs stops a consumer for good on a non-retriable error (e.g. the group coordinator not found
    // after its retries) and says so only through this event: listen again rather than go deaf.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopped || this.consumer !== consumer) return;
      this.log.error('control topic listener stopped; listening again', { error: payload.error.message });
      setTimeout(() => {
        if (!this.stopped && this.consumer === consumer)
          this.listen(onMessage).catch((e: unknown) =>
            this.log.error('control topic listener cannot restart', { error: String(e) }),
          );
      }, 1000).unref();
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      // Nothing to remember: commands are for the processes running now. Without commits, the group of a
      // process that died (kill -9) holds no offsets and Kafka drops it once its session expires.
      autoCommit: false,
      eachMessage: async ({ message }) => {
        let m: ControlMessage;
        try {
          m = JSON.parse(message.value?.toString('utf8') ?? '') as ControlMessage;
        } catch {
          this.log.warn('control topic: ignoring a message that is not JSON');
          return;
        }
        await onMessage(m);
      },
    });
  }

  async send(m: ControlMessage): Promise<void> {
    if (!this.producer) {
      this.producer = createProducer(this.kafka, { idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ value: JSON.stringify(m) }] });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    // The per-process group is of no use once the process is gone.
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

export async function ensureControlTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Commands are for the processes running now: a day of them is plenty.
    await ensureTopic(admin, topic, [{ name: 'retention.ms', value: String(24 * 3600_000) }]);
  } finally {
    await admin.disconnect();
  }
}
