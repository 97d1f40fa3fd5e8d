import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { killPoint } from '../../core/faults/kill-points.js';
import {
  type Admin,
  type Consumer,
  createConsumer,
  createProducer,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import { backoffMs } from './classify.js';
import { type DeadRecord, ensureDlqTopic, sendDeadLetters } from './dead-letters.js';
import { isTransientKafkaError, kafkaErrorType } from './kafka-transient.js';

/**
 * Applies one partition's batch to the target. Contract: it returns the records it rejected (to be
 * dead-lettered) once everything else of the batch is durably written; it retries transient failures
 * itself; it throws only for a fatal condition. Re-running a batch must be harmless (position guards),
 * because a crash between its write and the offset commit redelivers it.
 */
export interface BatchProcessor {
  process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: BatchContext,
  ): Promise<DeadRecord[]>;
  /**
   * Optional two-phase form of process: the CPU work of a batch (decoding, mapping), which the runner
   * starts while the previous batch of the partition is still being written. It must not touch the target
   * nor depend on the previous batch's write; the returned write() does that, strictly after the previous
   * batch's write, and honours process's contract.
   */
  prepare?(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: BatchContext,
  ): Promise<PreparedBatch>;
}

export interface PreparedBatch {
  write(): Promise<DeadRecord[]>;
}

export interface BatchContext {
  heartbeat: () => Promise<void>;
  /** Reports that changes of `table` up to this source commit time (ms) are written (freshness). */
  applied?: (table: string, sourceTsMs: number) => void;
}

export interface SinkRunnerOptions {
  kafka: Kafka;
  groupId: string;
  /** Which topics this sink consumes; checked again as topics appear (new source tables). */
  topicFilter: (topic: string) => boolean;
  processor: BatchProcessor;
  dlqTopic: string;
  log: Logger;
  /** Checks the settings of the topics it subscribes to; each problem is logged as a warning at start. */
  checkTopics?: (admin: Admin, topics: string[]) => Promise<string[]>;
  /** Testing hook: SIGKILL this process after this many batches were written, before their offsets commit. */
  killAfterWrites?: number;
  watchIntervalMs?: number;
  /**
   * Batches in the sink at once, over all partitions (default 2): while batch n is written, kafkajs fetches
   * and the processor decodes batch n+1 (kafkajs fetches only once the previous batch was handed over).
   * Writes are one at a time, in arrival order, each committed after its write; 1 = fetch, write, commit.
   */
  pipelineDepth?: number;
  /** Consumer-group session timeout (default 30 s). */
  sessionTimeoutMs?: number;
  /** How long Kafka may stay unavailable for a dead-letter send before the sink gives up (default 10 min). */
  retryWindowMs?: number;
  onFatal: (err: Error) => void;
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Group-membership errors of an offset commit: the partition moved to another member during a rebalance. */
const MOVED = new Set([
  'REBALANCE_IN_PROGRESS',
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'NOT_COORDINATOR',
]);

/**
 * A sink as a consumer-group member: consume, process, dead-letter, and only then commit offsets. More
 * instances of the same group share the partitions; nothing here assumes one process.
 */
export class SinkRunner {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private subscribed = new Set<string>();
  private watcher: NodeJS.Timeout | undefined;
  private writes = 0;
  /** Group joins of this process (for the fault matrix's kill points). */
  private joins = 0;
  private stopping = false;
  /** Left the group on request (a replay resets its offsets); the watcher does not rejoin until resumed. */
  private paused = false;
  private restarting: Promise<void> | undefined;
  /** Per topic-partition, the batches handed over and not yet written and committed, oldest first. */
  private readonly queues = new Map<string, Promise<void>[]>();
  /** The first fatal error: no later batch is written (its offset would skip the failed one). */
  private failed: Error | undefined;
  /** The last batch handed over: the next one's write starts after it (never rejects). */
  private lastWrite: Promise<void> = Promise.resolve();
  /** No new batch is taken (stopping, pausing or switching consumers); the queues drain. */
  private draining = false;
  /** Since when the consumer keeps stopping on non-retriable errors with no batch committed in between. */
  private crashingSince: number | undefined;
  readonly stats = {
    batches: 0,
    records: 0,
    deadLetters: 0,
    lastCommitAt: 0,
    batchSecondsSum: 0,
    deadLettersByCode: new Map<string, number>(),
    newestAppliedMs: new Map<string, number>(),
  };

  constructor(private readonly o: SinkRunnerOptions) {}

  /** Freshness: changes of `table` up to this source commit time are written. */
  private readonly applied = (table: string, ts: number): void => {
    if (ts > (this.stats.newestAppliedMs.get(table) ?? 0)) this.stats.newestAppliedMs.set(table, ts);
  };

  async start(): Promise<void> {
    this.admin = this.o.kafka.admin();
    await this.admin.connect();
    await ensureDlqTopic(this.admin, this.o.dlqTopic);
    this.producer = createProducer(this.o.kafka, { idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.refreshSubscription();
    this.watcher = setInterval(() => {
      if (!this.restarting && !this.stopping && !this.paused) {
        this.restarting = this.refreshSubscription()
          .catch((e) => this.o.log.warn('topic refresh failed; will retry', { error: String(e) }))
          .finally(() => {
            this.restarting = undefined;
          });
      }
    }, this.o.watchIntervalMs ?? 5000);
  }

  /** Starts (or restarts) the consumer when the set of matching topics changed. */
  private async refreshSubscription(): Promise<void> {
    const topics = (await this.admin!.listTopics()).filter(this.o.topicFilter).sort();
    if (topics.length === 0 || topics.join(',') === [...this.subscribed].join(',')) return;
    if (this.consumer) {
      this.o.log.info('new topics: rejoining the group', {
        added: topics.filter((t) => !this.subscribed.has(t)),
      });
      await this.quiesce(this.consumer);
    }
    if (this.stopping) return;
    const consumer = createConsumer(this.o.kafka, {
      groupId: this.o.groupId,
      sessionTimeout: this.o.sessionTimeoutMs ?? 30_000,
      // A tenth of the session: a member survives several lost heartbeats.
      heartbeatInterval: Math.min(3000, Math.floor((this.o.sessionTimeoutMs ?? 30_000) / 10)),
      // 1 MB per partition per fetch (kafkajs' default): with two batches in the pipeline, 4 MB fetches
      // kept the sink near 400 MB RSS for no measurable gain in events/s (npm run bench, sink).
      maxBytesPerPartition: 1024 * 1024,
      // A fetch response is held until each of its batches is handed over: 4 MB over all partitions.
      maxBytes: 4 * 1024 * 1024,
    });
    await consumer.connect();
    const added = topics.filter((t) => !this.subscribed.has(t));
    for (const problem of (await this.o.checkTopics?.(this.admin!, added)) ?? [])
      this.o.log.warn(`topic settings: ${problem}`);
    // The first join is the start; every later one completes a rebalance (a member came or went), as does
    // the moment the member is told the group is rebalancing.
    consumer.on(consumer.events.GROUP_JOIN, () => killPoint(this.joins++ === 0 ? 'joined' : 'rebalance'));
    consumer.on(consumer.events.REBALANCING, () => killPoint('rebalance'));
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      this.crashed(consumer, payload.error, payload.restart),
    );
    // A topic created a moment ago (by another stage) may not be in every broker's metadata yet: kafkajs
    // then fails with a retriable "does not host this topic-partition", which is waited out here.
    await this.untilKafkaAnswers(
      'subscribe',
      async () => undefined,
      () => consumer.subscribe({ topics, fromBeginning: true }),
    );
    this.subscribed = new Set(topics);
    this.consumer = consumer;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
        if (batch.messages.length === 0 || this.draining) return;
        if (this.failed) throw this.failed;
        killPoint('batch-received');
        const key = `${batch.topic}:${batch.partition}`;
        const queue = this.queues.get(key) ?? [];
        this.queues.set(key, queue);
        // Backpressure and bounded memory: no more than pipelineDepth batches in the sink at once, over all
        // its partitions (a warehouse sink reads a topic per table).
        const depth = Math.max(1, this.o.pipelineDepth ?? 2);
        for (;;) {
          const pending = [...this.queues.values()].flat();
          if (pending.length < depth) break;
          await Promise.race(pending);
        }
        // One write at a time for the whole sink, in the order the batches came (so per partition too), as
        // before pipelining: writes of different tables never race (e.g. on creating a schema's tables).
        const previous = this.lastWrite;
        // Decoding starts now, overlapping the previous batch's write; the write itself waits its turn.
        const prepared = this.o.processor.prepare?.(batch.topic, batch.partition, batch.messages, {
          heartbeat,
          applied: this.applied,
        });
        prepared?.catch(() => undefined); // awaited (and its failure handled) in handle, in turn
        const written: Promise<void> = previous
          .then(() => {
            if (this.failed) throw this.failed;
            return this.handle(consumer, batch.topic, batch.partition, batch.messages, heartbeat, prepared);
          })
          .then(
            () => removeFrom(queue, written),
            (e) => {
              removeFrom(queue, written);
              if (!this.failed) {
                this.failed = e as Error;
                try {
                  this.o.onFatal(e as Error);
                } catch {
                  // onFatal's own failure must not become an unhandled rejection
                }
              }
            },
          );
        this.lastWrite = written;
        queue.push(written);
        // Advances the fetch position; without it the consumer fetches the same batch again. The offset is
        // committed only once the batch is written (handle).
        resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
        if (this.o.pipelineDepth === 1) await written;
      },
    });
  }

  /**
   * kafkajs stops a consumer whose fetch loop or group join failed. On a retriable error it starts the
   * consumer again by itself; on any other it stays stopped, and the process would stall silently with its
   * partitions held by no one. That consumer is replaced (the watcher rejoins, as for a new topic) for as
   * long as the retry window allows without a committed batch; after that it is fatal.
   */
  private crashed(consumer: Consumer, error: Error, restart: boolean): void {
    if (restart) {
      this.o.log.warn('consumer stopped on a retriable error; kafkajs restarts it', { error: error.message });
      return;
    }
    if (this.stopping || this.paused || consumer !== this.consumer) return;
    const since = this.crashingSince ?? Date.now();
    this.crashingSince = since;
    if (Date.now() - since > (this.o.retryWindowMs ?? 600_000)) {
      this.failed ??= error;
      this.o.onFatal(error);
      return;
    }
    this.o.log.error('consumer stopped on a non-retriable error; rejoining the group', {
      error: error.message,
    });
    this.subscribed = new Set(); // the watcher's next refresh replaces the consumer
  }

  /** Waits until every batch handed over is written and committed (or failed). */
  private async drain(): Promise<void> {
    for (;;) {
      const pending = [...this.queues.values()].flat();
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  private async handle(
    consumer: Consumer,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    prepared: Promise<PreparedBatch> | undefined,
  ): Promise<void> {
    const started = performance.now();
    let dead: DeadRecord[];
    if (prepared) {
      const ready = await prepared;
      killPoint('prepared');
      dead = await ready.write();
    } else
      dead = await this.o.processor.process(topic, partition, messages, { heartbeat, applied: this.applied });
    killPoint('written');
    if (dead.length) {
      await this.untilKafkaAnswers('send dead letters', heartbeat, () =>
        sendDeadLetters(this.producer!, this.o.dlqTopic, dead),
      );
      this.stats.deadLetters += dead.length;
      for (const d of dead)
        this.stats.deadLettersByCode.set(d.code, (this.stats.deadLettersByCode.get(d.code) ?? 0) + 1);
      this.o.log.warn('dead-lettered records', {
        topic,
        partition,
        count: dead.length,
        codes: [...new Set(dead.map((d) => d.code))],
      });
    }
    this.writes++;
    if (this.o.killAfterWrites !== undefined && this.writes >= this.o.killAfterWrites) {
      // The fault the crash tests need: the database has the batch, Kafka has not the offsets.
      process.kill(process.pid, 'SIGKILL');
    }
    const next = (BigInt(messages[messages.length - 1]!.offset) + 1n).toString();
    killPoint('before-commit');
    try {
      await consumer.commitOffsets([{ topic, partition, offset: next }]);
    } catch (e) {
      if (isTransientKafkaError(e) && !MOVED.has(kafkaErrorType(e) ?? '')) {
        // Kafka is restarting. The batch is written: a later commit covers it, or the batch is read again
        // after a restart of the consumer and rewritten harmlessly (position guards). Nothing is lost.
        this.o.log.warn('offset commit failed while Kafka is unavailable; a later commit covers it', {
          topic,
          partition,
          error: (e as Error).message,
        });
        return;
      }
      // The batch is written; its partition went to another member, which reads it again from the last
      // committed offset and rewrites it harmlessly (position guards). Nothing is lost.
      if (!MOVED.has(kafkaErrorType(e) ?? '')) throw e;
      this.o.log.info('offset commit after a rebalance refused; the new owner re-reads the batch', {
        topic,
        partition,
        reason: kafkaErrorType(e),
      });
      return;
    }
    this.stats.batches++;
    this.stats.batchSecondsSum += (performance.now() - started) / 1000;
    this.stats.records += messages.length;
    this.stats.lastCommitAt = Date.now();
    this.crashingSince = undefined;
    killPoint('committed');
  }

  /** Runs a Kafka call until it succeeds, waiting out a broker restart (retry window), else rethrows. */
  private async untilKafkaAnswers<T>(
    what: string,
    heartbeat: () => Promise<void>,
    fn: () => Promise<T>,
  ): Promise<T> {
    const start = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isTransientKafkaError(e) || Date.now() - start > (this.o.retryWindowMs ?? 600_000)) throw e;
        this.o.log.warn(`${what}: Kafka unavailable, retrying`, { attempt, error: (e as Error).message });
        await sleep(backoffMs(attempt, 500));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /**
   * Leaves the consumer group (the batch in flight finishes and commits first), so that its offsets can be
   * reset: Kafka refuses an offset reset while the group has members. Idempotent.
   */
  async pause(): Promise<void> {
    this.paused = true;
    await this.restarting;
    const consumer = this.consumer;
    this.consumer = undefined;
    this.subscribed = new Set();
    if (consumer) await this.quiesce(consumer);
  }

  /** Takes no new batch, lets the ones handed over be written and committed, then leaves the group. */
  private async quiesce(consumer: Consumer): Promise<void> {
    this.draining = true;
    try {
      await this.drain();
      await consumer.disconnect();
      // Batches taken while the last ones drained were not handed over (their offsets are not resolved).
      await this.drain();
    } finally {
      this.draining = false;
    }
  }

  /** Rejoins the group after pause(); consumption continues from the group's (possibly reset) offsets. */
  async resume(): Promise<void> {
    if (!this.paused || this.stopping) return;
    this.paused = false;
    await this.refreshSubscription();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Graceful: stop intake, let the batch in flight finish and commit, then disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.watcher) clearInterval(this.watcher);
    await this.restarting;
    if (this.consumer) await this.quiesce(this.consumer);
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }
}
