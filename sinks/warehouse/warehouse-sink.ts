import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import type { StarModel } from '../../schemas/model/types.js';
import { PostgresWarehouse } from '../postgres/warehouse-dialect.js';
import { dlqTopic } from '../runtime/dead-letters.js';
import { withRetry } from '../runtime/retry.js';
import { runnerSettings } from '../runtime/runner-settings.js';
import { SinkRunner } from '../runtime/sink-runner.js';
import type { WarehouseDialect } from './dialect.js';
import { WarehouseProcessor } from './warehouse-processor.js';
import { WarehouseWriter } from './writer.js';

/** Idle time after a report refresh, in multiples of its duration (see the refresher below). */
const REFRESH_SPACING = 4;
/** The warehouse dialect of the configured URL: PostgreSQL, or Db2 (its driver loaded on first use). */
export async function warehouseDialect(config: StarlingConfig, schema: string): Promise<WarehouseDialect> {
  const url = config.postgres.warehouseUrl;
  if (url.startsWith('db2:')) {
    const { Db2Warehouse } = await import('../db2/warehouse-dialect.js');
    return new Db2Warehouse(url, schema);
  }
  if (!/^postgres(ql)?:/.test(url))
    throw new UserError(
      `STARLING_WAREHOUSE_URL: the scheme ${new URL(url).protocol} is not a warehouse (postgres: or db2:)`,
      'WAREHOUSE_URL',
    );
  return new PostgresWarehouse(url, schema);
}

/**
 * The warehouse sink of one model: a consumer group over the model's conformed topics, writing the star
 * (writer.ts) and refreshing the materialized reports at most every STARLING_REPORT_REFRESH_MS after facts
 * changed.
 */
export function createWarehouseSink(
  config: StarlingConfig,
  model: StarModel,
  log: Logger,
  onFatal: (e: Error) => void,
) {
  const group = config.pipeline.warehouseGroup;
  const schema = config.pipeline.warehouseSchema ?? model.name;
  const codec = new AvroCodec(new RegistryClient(config.registry.ccompatUrl, config.registry.auth));
  let dialect: WarehouseDialect | undefined;
  let runner: SinkRunner | undefined;
  let refresher: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> | undefined;
  const slog = log.child({ stage: 'warehouse' });

  return {
    stats: () => runner?.stats,
    pause: async () => runner?.pause(),
    resume: async () => runner?.resume(),
    schema,
    async start() {
      dialect = await warehouseDialect(config, schema);
      const d = dialect;
      await withRetry(() => d.ensureModel(model), {
        what: 'warehouse DDL',
        windowMs: config.staging.retryWindowMs,
        log: slog,
      });
      const processor = new WarehouseProcessor(
        model,
        config.pipeline.conformedPrefix,
        codec,
        d,
        new WarehouseWriter(model),
        slog,
        config.staging.retryWindowMs,
      );
      runner = new SinkRunner({
        kafka: createKafka(kafkaOptionsFrom(config, { clientId: `starling-${group}` })),
        groupId: group,
        topicFilter: (t) => processor.tableOf(t) !== undefined,
        processor,
        dlqTopic: dlqTopic(group),
        log: log.child({ group }),
        ...runnerSettings(config),
        onFatal,
      });
      // Refreshed outside the write path: readers of the materialized report never wait for it, and a
      // burst of batches costs one refresh per interval, not one per batch.
      // A refresh recomputes the whole report (100–200 ms of PostgreSQL at 300,000 facts): back to back under
      // load it would take a core from the database. After each, the next waits REFRESH_SPACING × its
      // duration at least, so refreshing stays under a fifth of the time and the report lags by at most the
      // interval plus a few refresh durations.
      let notBefore = 0;
      refresher = setInterval(() => {
        if (!processor.dirty || refreshing || performance.now() < notBefore) return;
        processor.dirty = false;
        const started = performance.now();
        refreshing = d
          .refreshReports(model)
          .catch((e) => {
            processor.dirty = true;
            slog.warn('report refresh failed; will retry', { error: String(e) });
          })
          .finally(() => {
            const now = performance.now();
            notBefore = now + REFRESH_SPACING * (now - started);
            refreshing = undefined;
          });
      }, config.pipeline.reportRefreshMs);
      await runner.start();
      log.info('warehouse sink running', { group, schema, model: model.name });
    },
    async stop() {
      if (refresher) clearInterval(refresher);
      await runner?.stop();
      await refreshing;
      await dialect?.close();
    },
  };
}
