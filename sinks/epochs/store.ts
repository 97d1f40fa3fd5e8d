import { randomUUID } from 'node:crypto';
import {
  type Admin,
  createConsumer,
  createProducer,
  ensureTopic,
  type Kafka,
  type Producer,
} from '../../core/kafka/client.js';
import type { EpochStart, HighWater } from './detect.js';

/**
 * The durable, shared record of source epochs: a compacted single-partition Kafka topic
 * `<prefix>.starling.source.epochs` (four dot-separated parts, so the raw-topic pattern `<prefix>.<db>.<table>`
 * never mirrors it). Kafka, not a database: the conform processors have no database, and every stage and
 * instance must see the same list.
 * - `epoch/<topic>/<partition>/<start offset>` -> the epoch start. Written by whichever stage detects it
 *   first; another stage detects the same start (detection is deterministic) and writes the same value, so
 *   writes are idempotent and compaction keeps one.
 * - `high/<group>/<topic>/<partition>` -> that group's high-water (what detection needs to go on). Per group:
 *   stages run at different offsets, and one behind must not overwrite the high-water of one ahead.
 */
export function epochTopic(prefix: string): string {
  return `${prefix}.starling.source.epochs`;
}

/** `starling lag` hides groups with this prefix (ops/lag/lag.ts PROBE_GROUP_PREFIX): throwaway readers. */
const READER_GROUP_PREFIX = 'starling-lag-probe-epochs-';

export interface StoredEpochs {
  starts: EpochStart[];
  highs: Map<string, HighWater>;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

type Json = Record<string, unknown>;
const coords = (c: { seq: bigint; pos: bigint; row: number; tsMs?: number }) => ({
  seq: String(c.seq),
  pos: String(c.pos),
  row: c.row,
  ...(c.tsMs === undefined ? {} : { tsMs: c.tsMs }),
});
const parseCoords = (j: Json) => ({
  seq: BigInt(j.seq as string),
  pos: BigInt(j.pos as string),
  row: Number(j.row),
  tsMs: Number(j.tsMs ?? 0),
});

export function encodeStart(s: EpochStart): { key: string; value: string } {
  return {
    key: `epoch/${s.topic}/${s.partition}/${String(s.startOffset).padStart(20, '0')}`,
    value: JSON.stringify({
      kind: 'epoch',
      topic: s.topic,
      partition: s.partition,
      epoch: s.epoch,
      startOffset: String(s.startOffset),
      before: coords(s.before),
      after: coords(s.after),
    }),
  };
}

export function encodeHigh(
  group: string,
  topic: string,
  partition: number,
  h: HighWater,
): { key: string; value: string } {
  return {
    key: `high/${group}/${topic}/${partition}`,
    value: JSON.stringify({
      kind: 'high',
      group,
      topic,
      partition,
      offset: String(h.offset),
      epoch: h.epoch,
      coords: coords(h.coords),
      tsMs: h.tsMs,
    }),
  };
}

/** Folds the topic's records (oldest first) into the epoch starts and this group's high-waters. */
export function decodeStore(values: Array<string | null>, group: string): StoredEpochs {
  const starts = new Map<string, EpochStart>();
  const highs = new Map<string, HighWater>();
  for (const v of values) {
    if (v === null) continue;
    const j = JSON.parse(v) as Json;
    if (j.kind === 'epoch') {
      const s: EpochStart = {
        topic: j.topic as string,
        partition: Number(j.partition),
        epoch: Number(j.epoch),
        startOffset: BigInt(j.startOffset as string),
        before: parseCoords(j.before as Json),
        after: parseCoords(j.after as Json),
      };
      starts.set(`${partitionKey(s.topic, s.partition)}\u0000${s.startOffset}`, s);
    } else if (j.kind === 'high' && j.group === group) {
      const { tsMs: _unused, ...c } = parseCoords(j.coords as Json);
      highs.set(partitionKey(j.topic as string, Number(j.partition)), {
        offset: BigInt(j.offset as string),
        epoch: Number(j.epoch),
        coords: c,
        tsMs: Number(j.tsMs),
      });
    }
  }
  return { starts: [...starts.values()], highs };
}

export class EpochStore {
  private producer: Producer | undefined;
  readonly topic: string;

  constructor(
    private readonly kafka: Kafka,
    prefix: string,
    private readonly group: string,
  ) {
    this.topic = epochTopic(prefix);
  }

  async connect(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Compacted and kept forever: the epochs of the raw topics' whole retained history. Every batch writes
      // its group's high-water, so segments roll every 10 minutes and are cleaned eagerly: the topic holds
      // one record per key plus at most minutes of updates, and reading it at start stays quick.
      await ensureTopic(admin, this.topic, [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '-1' },
        { name: 'segment.ms', value: '600000' },
        { name: 'min.cleanable.dirty.ratio', value: '0.1' },
      ]);
    } finally {
      await admin.disconnect();
    }
    this.producer = createProducer(this.kafka, { idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  /** Epoch starts first, then the high-water: a reader that sees the high-water sees the starts before it. */
  async save(
    starts: readonly EpochStart[],
    highs: ReadonlyArray<{ topic: string; partition: number; high: HighWater }>,
  ): Promise<void> {
    const messages = [
      ...starts.map(encodeStart),
      ...highs.map((h) => encodeHigh(this.group, h.topic, h.partition, h.high)),
    ];
    if (messages.length === 0) return;
    await this.producer!.send({ topic: this.topic, acks: -1, messages });
  }

  /** Everything the topic holds now (up to its end offset at the call). */
  async load(timeoutMs = 30_000): Promise<StoredEpochs> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchTopicOffsets(this.topic);
      const low = Number(offsets?.low ?? 0);
      const end = Number(offsets?.high ?? 0);
      if (end <= low) return { starts: [], highs: new Map() };
      return decodeStore(await this.readAll(admin, low, end, timeoutMs), this.group);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** kafkajs has no assign(): a consumer in a throwaway group (deleted afterwards) reads [low, end). */
  private async readAll(
    admin: Admin,
    low: number,
    end: number,
    timeoutMs: number,
  ): Promise<Array<string | null>> {
    const groupId = `${READER_GROUP_PREFIX}${randomUUID()}`;
    const consumer = createConsumer(this.kafka, { groupId, maxWaitTimeInMs: 100 });
    const values: Array<string | null> = [];
    let finish: (e?: Error) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = (e) => (e ? reject(e) : resolve());
    });
    const timer = setTimeout(
      () => finish(new Error(`reading ${this.topic}: not done within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            if (Number(m.offset) >= end) break;
            values.push(m.value === null ? null : m.value.toString('utf8'));
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && Number(last.offset) + 1 >= end) finish();
        },
      });
      consumer.seek({ topic: this.topic, partition: 0, offset: String(low) });
      await done;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      for (let attempt = 0; attempt < 10; attempt++) {
        // The coordinator may take a moment to see the group empty.
        const deleted = await admin.deleteGroups([groupId]).then(
          () => true,
          () => false,
        );
        if (deleted) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return values;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
