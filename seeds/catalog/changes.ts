/**
 * STAND-IN for the Debezium MongoDB connector's streaming phase (see standin.ts for its snapshot): the
 * workload's catalog changes written to the catalog topic as the connector would write them from a change
 * stream. Debezium 3.x's default capture.mode change_streams_update_full puts the whole document in `after`
 * for inserts and updates alike; `before` stays null (no pre-images); an update also carries the fields it
 * set in updateDescription (MongoDbCollectionSchema.valueFromDocumentChangeStream: an empty removedFields
 * or truncatedArrays is left null, updatedFields is written like the document).
 */
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka, createProducer, kafkaOptionsFrom, type Producer } from '../../core/kafka/client.js';
import type { MongoEnvelope, MongoKey } from '../../sinks/envelope/mongodb-schema.js';
import { mongoSource, relaxedId, strictJson } from './debezium-event.js';
import { catalogObjectId } from './object-id.js';
import { type CatalogSchemas, ensureCatalogTopic, registerCatalogSchemas } from './standin.js';

/**
 * Event times for successive changes: ts_ms is the wall clock but never goes back, and ord (MongoDB's
 * cluster-time increment) counts up within a second and restarts at 1 in the next. So (ts_ms, ord), the
 * order sinks/envelope/mongodb.ts positions events by, increases strictly from one change to the next.
 */
export class ChangeClock {
  private lastMs = -1;
  private ord = 0;

  next(nowMs: number): { tsMs: number; ord: number } {
    const tsMs = Math.max(nowMs, this.lastMs);
    this.ord = Math.floor(tsMs / 1000) === Math.floor(this.lastMs / 1000) ? this.ord + 1 : 1;
    this.lastMs = tsMs;
    return { tsMs, ord: this.ord };
  }
}

export interface ChangeEventOptions {
  topicPrefix: string;
  db?: string;
  collection?: string;
  tsMs: number;
  ord: number;
}

/**
 * The change event of a catalog document: op 'c' (inserted) or 'u' (updated; `updatedFields` are the fields
 * it set). `doc` is the whole document after the change, product_id included; its _id is derived from the
 * product_id as everywhere else (catalogObjectId).
 */
export function catalogChangeEvent(
  doc: Record<string, unknown>,
  change: { op: 'c' } | { op: 'u'; updatedFields: Record<string, unknown> },
  o: ChangeEventOptions,
): { key: MongoKey; value: MongoEnvelope } {
  const { _id: _ignored, ...fields } = doc;
  if (typeof fields.product_id !== 'number')
    throw new TypeError('a catalog document needs a numeric product_id');
  const _id = catalogObjectId(fields.product_id);
  const ts = BigInt(o.tsMs);
  return {
    key: { id: relaxedId(_id) },
    value: {
      before: null,
      after: strictJson({ _id, ...fields }),
      updateDescription:
        change.op === 'u'
          ? { removedFields: null, updatedFields: strictJson(change.updatedFields), truncatedArrays: null }
          : null,
      source: mongoSource({
        name: o.topicPrefix,
        db: o.db ?? 'catalog',
        collection: o.collection ?? 'electronics',
        ts_ms: ts,
        ord: o.ord,
      }),
      op: change.op,
      ts_ms: ts,
      transaction: null,
    },
  };
}

/**
 * Writes catalog changes to the stand-in's topic, one event per change, each acknowledged by every in-sync
 * replica before `insert`/`update` return (so the workload counts it committed only then). It holds the
 * collection's documents itself, as MongoDB would, to put the whole document in each event; like MongoDB it
 * refuses an insert of an existing product and an update of a missing one.
 */
export class CatalogChangePublisher {
  private readonly docs = new Map<number, Record<string, unknown>>();
  private readonly clock = new ChangeClock();

  private constructor(
    docs: ReadonlyArray<Record<string, unknown>>,
    private readonly topicPrefix: string,
    private readonly schemas: CatalogSchemas,
    private readonly codec: AvroCodec,
    private readonly producer: Producer,
    private readonly now: () => number,
  ) {
    for (const d of docs) {
      const { _id: _ignored, ...fields } = d;
      if (typeof fields.product_id !== 'number')
        throw new TypeError('every catalog document needs a numeric product_id');
      this.docs.set(fields.product_id, fields);
    }
  }

  /** `docs` are the documents the topic already holds (the snapshot `starling seed catalog` published). */
  static async open(
    docs: ReadonlyArray<Record<string, unknown>>,
    o: { config: StarlingConfig; topicPrefix: string; now?: () => number },
  ): Promise<CatalogChangePublisher> {
    const registry = new RegistryClient(o.config.registry.ccompatUrl, o.config.registry.auth);
    const schemas = await registerCatalogSchemas(registry, o.topicPrefix, 'catalog', 'electronics');
    const kafka = createKafka(kafkaOptionsFrom(o.config));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureCatalogTopic(admin, schemas.topic, o.config);
    } finally {
      await admin.disconnect();
    }
    const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const codec = new AvroCodec(registry);
    return new CatalogChangePublisher(docs, o.topicPrefix, schemas, codec, producer, o.now ?? Date.now);
  }

  get topic(): string {
    return this.schemas.topic;
  }

  async insert(productId: number, fields: Record<string, unknown>): Promise<void> {
    if (this.docs.has(productId)) throw new Error(`catalog product ${productId} exists already`);
    const doc = { ...fields, product_id: productId };
    await this.send(doc, { op: 'c' });
    this.docs.set(productId, doc);
  }

  async update(productId: number, fields: Record<string, unknown>): Promise<void> {
    const current = this.docs.get(productId);
    if (!current) throw new Error(`catalog product ${productId} does not exist`);
    const doc = { ...current, ...fields };
    await this.send(doc, { op: 'u', updatedFields: fields });
    this.docs.set(productId, doc);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  private async send(doc: Record<string, unknown>, change: Parameters<typeof catalogChangeEvent>[1]) {
    const e = catalogChangeEvent(doc, change, {
      topicPrefix: this.topicPrefix,
      ...this.clock.next(this.now()),
    });
    const message = {
      key: await this.codec.encode(this.schemas.keySchemaId, e.key),
      value: await this.codec.encode(this.schemas.valueSchemaId, e.value),
    };
    await this.producer.send({ topic: this.schemas.topic, acks: -1, messages: [message] });
  }
}
