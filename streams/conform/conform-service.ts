import { checkRawTopics, ensureTopics } from '../../connectors/topics.js';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka, createProducer, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { StarModel } from '../../schemas/model/types.js';
import { sourceEpochs } from '../../sinks/epochs/source-epochs.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { runnerSettings } from '../../sinks/runtime/runner-settings.js';
import { SinkRunner } from '../../sinks/runtime/sink-runner.js';
import { dimensionSchemas, factSchemas } from './avro-schemas.js';
import { ModelMapper } from './mapper.js';
import { ConformProcessor, type TopicSchemas } from './processor.js';
import { conformedTopic } from './records.js';

/**
 * The conform processors of one model as a consumer group over the raw topics its sources write: the
 * conformed topics are created and their schemas registered at start, then raw batches are conformed and
 * their offsets committed after the conformed records are acknowledged.
 */
export function createConformService(
  config: StarlingConfig,
  model: StarModel,
  log: Logger,
  onFatal: (e: Error) => void,
) {
  const kafka = createKafka(
    kafkaOptionsFrom(config, { clientId: `starling-${config.pipeline.conformGroup}` }),
  );
  const registry = new RegistryClient(config.registry.ccompatUrl, config.registry.auth);
  const codec = new AvroCodec(registry);
  const mapper = new ModelMapper(model, config.pipeline.namespaces);
  const prefix = config.pipeline.conformedPrefix;
  const rawTopics = new Set(mapper.sources().map((s) => `${config.topics.prefix}.${s.namespace}.${s.table}`));
  const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  const group = config.pipeline.conformGroup;
  const epochs = sourceEpochs(config, group, log);
  let runner: SinkRunner | undefined;

  return {
    stats: () => runner?.stats,
    pause: async () => runner?.pause(),
    resume: async () => runner?.resume(),
    async start() {
      const schemas = new Map<string, TopicSchemas>();
      const tables = [
        ...model.dimensions.map((d) => ({ name: d.name, s: dimensionSchemas(model, d) })),
        ...model.facts.map((f) => ({ name: f.name, s: factSchemas(model, f) })),
      ];
      for (const { name, s } of tables) {
        const topic = conformedTopic(prefix, model.name, name);
        const ids = {
          key: await registry.register(`${topic}-key`, s.key),
          value: await registry.register(`${topic}-value`, s.value),
        };
        await codec.prepare(ids.key);
        await codec.prepare(ids.value);
        schemas.set(name, ids);
      }
      const admin = kafka.admin();
      await admin.connect();
      try {
        const created = await ensureTopics(
          config,
          admin,
          tables.map((t) => conformedTopic(prefix, model.name, t.name)),
        );
        if (created.length) log.info('created conformed topics', { topics: created });
      } finally {
        await admin.disconnect();
      }
      await producer.connect();
      runner = new SinkRunner({
        kafka,
        groupId: group,
        topicFilter: (t) => rawTopics.has(t),
        processor: new ConformProcessor(
          model,
          mapper,
          codec,
          producer,
          schemas,
          prefix,
          log.child({ stage: 'conform' }),
          config.staging.retryWindowMs,
          epochs,
        ),
        dlqTopic: dlqTopic(group),
        log: log.child({ group }),
        ...runnerSettings(config),
        checkTopics: (a, topics) => checkRawTopics(config, a, topics),
        onFatal,
      });
      await runner.start();
      log.info('conform processors running', { group, model: model.name, reads: [...rawTopics] });
    },
    async stop() {
      await runner?.stop();
      await epochs.close();
      await producer.disconnect();
    },
  };
}
