import { checkRawTopics } from '../../connectors/topics.js';
import { weblogLinesTopic } from '../../connectors/weblog/line-record.js';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import { sourceEpochs } from '../epochs/source-epochs.js';
import { PostgresStaging } from '../postgres/staging-dialect.js';
import { dlqTopic } from '../runtime/dead-letters.js';
import { runnerSettings } from '../runtime/runner-settings.js';
import { SinkRunner } from '../runtime/sink-runner.js';
import { StagingProcessor } from './staging-processor.js';

/**
 * Raw topics that carry no table of the source: Debezium's signal table is Debezium's business, and the web
 * log's lines topic (`<prefix>.weblog.lines`, plain text, not Debezium events) is the web-log processor's.
 */
export function isMirroredTopic(config: StarlingConfig, topic: string): boolean {
  return (
    config.staging.topics.test(topic) &&
    !topic.endsWith('.debezium_signal') &&
    topic !== weblogLinesTopic(config)
  );
}

/** The staging sink: every raw change topic mirrored 1:1 into the PostgreSQL staging database. */
export function createStagingSink(config: StarlingConfig, log: Logger, onFatal: (e: Error) => void) {
  const dialect = new PostgresStaging(config.postgres.stagingUrl);
  const codec = new AvroCodec(new RegistryClient(config.registry.ccompatUrl, config.registry.auth));
  const group = config.staging.group;
  const epochs = sourceEpochs(config, group, log);
  const runner = new SinkRunner({
    kafka: createKafka(kafkaOptionsFrom(config, { clientId: `starling-${group}` })),
    groupId: group,
    topicFilter: (t) => isMirroredTopic(config, t),
    processor: new StagingProcessor(
      codec,
      dialect,
      log.child({ stage: 'staging' }),
      config.staging.retryWindowMs,
      epochs,
    ),
    dlqTopic: dlqTopic(group),
    log: log.child({ group }),
    ...runnerSettings(config),
    checkTopics: (admin, topics) => checkRawTopics(config, admin, topics),
    onFatal,
  });
  return {
    runner,
    async stop() {
      await runner.stop();
      await epochs.close();
      await dialect.close();
    },
  };
}
