/**
 * The web-log source: follows the configured access log (LogFollower, tail -F) into the raw topic
 * `<prefix>.weblog.lines`, one record per line, through the idempotent producer. Each batch the follower
 * yields is sent and acknowledged (acks=all) before the follower reads on: that is the backpressure, and it
 * makes the topic's last record the checkpoint. On start the source reads that record back and continues
 * just after its position, so a restart neither loses nor repeats a line, whatever moment it stopped at.
 */
import type { StarlingConfig } from '../../core/config/load.js';
import {
  type Admin,
  createKafka,
  createProducer,
  createTopicsSettled,
  type Kafka,
  kafkaOptionsFrom,
  type Producer,
} from '../../core/kafka/client.js';
import { readLastRecord } from '../../core/kafka/last-record.js';
import type { Logger } from '../../core/log/logger.js';
import { chunkBySize } from '../../sinks/runtime/dead-letters.js';
import { withRetry } from '../../sinks/runtime/retry.js';
import { rawTopicConfig } from '../topics.js';
import { LogFollower, type Position } from './follower.js';
import { isSourceRecord, lineMessage, lineOrigin, weblogLinesTopic } from './line-record.js';

/** Longer lines become markers: a record must stay under the broker's default 1 MB. */
export const MAX_LINE_BYTES = 512 * 1024;
/** One produce request's bytes at most (the broker checks max.message.bytes per record batch). */
const SEND_BYTES = 900 * 1024;

export interface WeblogSourceStats {
  lines: number;
  oversize: number;
  batches: number;
  lastSentAt: number;
  position: Position | undefined;
}

/**
 * Creates the lines topic when missing: one partition (the file's order is the stream's order, and the
 * last record is the checkpoint), the raw topics' retention and deletion policy (replay and the archives
 * are rebuilt from history).
 */
export async function ensureWeblogTopic(config: StarlingConfig, admin: Admin): Promise<string> {
  const topic = weblogLinesTopic(config);
  if (!(await admin.listTopics()).includes(topic))
    await createTopicsSettled(admin, [
      { topic, numPartitions: 1, replicationFactor: -1, configEntries: rawTopicConfig(config) },
    ]);
  return topic;
}

/**
 * The position after the last line the source sent (undefined: none, start at the file's beginning); lines
 * replayed from the dead-letter topic are passed over. A last record without a readable position is
 * fatal: resuming would guess.
 */
export async function recoverPosition(
  kafka: Kafka,
  admin: Admin,
  topic: string,
): Promise<Position | undefined> {
  const last = await readLastRecord(kafka, admin, topic, { accept: (m) => isSourceRecord(m.headers) });
  if (last === undefined) return undefined;
  const { position } = lineOrigin(last.headers);
  if (position === undefined)
    throw new Error(
      `the last record of ${topic} (offset ${last.offset}) has no weblog.inode/weblog.offset headers: cannot tell where the log was left`,
    );
  return position;
}

/**
 * The source as a service. start() creates the topic, recovers the position and begins following in the
 * background; a Kafka outage is retried for the retry window, then (like any read error of the file) it
 * is fatal through onFatal. stop() stops reading, lets the batch in flight be acknowledged, disconnects.
 */
export function createWeblogSource(config: StarlingConfig, log: Logger, onFatal: (e: Error) => void) {
  const path = config.weblog.file;
  if (path === undefined) throw new Error('createWeblogSource: STARLING_WEBLOG_FILE is not set');
  const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'starling-weblog-source' }));
  const topic = weblogLinesTopic(config);
  const slog = log.child({ stage: 'weblog-source', topic });
  const stats: WeblogSourceStats = { lines: 0, oversize: 0, batches: 0, lastSentAt: 0, position: undefined };
  const abort = new AbortController();
  let producer: Producer | undefined;
  let loop: Promise<void> | undefined;

  async function follow(from: Position | undefined): Promise<void> {
    const follower = new LogFollower({
      path: path!,
      from,
      maxLineBytes: MAX_LINE_BYTES,
      onNotice: (message) => slog.warn(message),
    });
    for await (const batch of follower.batches(abort.signal)) {
      const messages = batch.map((e) => lineMessage(path!, e));
      // Each chunk is acknowledged before the next is sent, and the whole batch before the follower reads
      // on: a crash leaves the topic ending at a line boundary the restart continues after.
      for (const chunk of chunkBySize(messages, SEND_BYTES))
        await withRetry(() => producer!.send({ topic, acks: -1, messages: chunk }), {
          what: `send web-log lines to ${topic}`,
          windowMs: config.staging.retryWindowMs,
          log: slog,
        });
      for (const e of batch) if ('oversize' in e) stats.oversize++;
      stats.lines += batch.length;
      stats.batches++;
      stats.lastSentAt = Date.now();
      stats.position = batch[batch.length - 1]!.position;
    }
  }

  return {
    stats: () => stats,
    async start(): Promise<void> {
      const admin = kafka.admin();
      await admin.connect();
      let from: Position | undefined;
      try {
        await ensureWeblogTopic(config, admin);
        from = await recoverPosition(kafka, admin, topic);
      } finally {
        await admin.disconnect();
      }
      stats.position = from;
      producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      slog.info('following the web log', { file: path, from: from ?? 'start of file' });
      loop = follow(from).catch((e: unknown) => {
        if (abort.signal.aborted) return;
        slog.error('web-log source failed', { error: (e as Error).message });
        onFatal(e as Error);
      });
    },
    async stop(): Promise<void> {
      abort.abort();
      await loop;
      await producer?.disconnect();
    },
  };
}
