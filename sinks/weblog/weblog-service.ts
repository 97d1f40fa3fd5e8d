import { checkRawTopics } from '../../connectors/topics.js';
import { weblogLinesTopic } from '../../connectors/weblog/line-record.js';
import { createWeblogSource } from '../../connectors/weblog/source.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import { loadModel } from '../../schemas/model/load.js';
import { PostgresWeblog } from '../postgres/weblog-dialect.js';
import { dlqTopic } from '../runtime/dead-letters.js';
import { withRetry } from '../runtime/retry.js';
import { runnerSettings } from '../runtime/runner-settings.js';
import { SinkRunner } from '../runtime/sink-runner.js';
import { DailyArchiver } from './archiver.js';
import type { WeblogWarehouse } from './dialect.js';
import { WeblogProcessor } from './weblog-processor.js';

/**
 * The warehouse side of the web-log stream: the star's schema (STARLING_WAREHOUSE_SCHEMA, default the
 * model's name) on a PostgreSQL warehouse. A Db2 warehouse is refused: its web-log dialect is not written.
 */
export async function createWeblogWarehouse(config: StarlingConfig): Promise<WeblogWarehouse> {
  if (!/^postgres(ql)?:/.test(config.postgres.warehouseUrl))
    throw new UserError(
      'The web-log stream writes to a PostgreSQL warehouse only (its Db2 dialect is not done): unset STARLING_WEBLOG_FILE or point STARLING_WAREHOUSE_URL at PostgreSQL.',
      'WEBLOG_WAREHOUSE',
    );
  const { model } = await loadModel(config.env.STARLING_MODEL_FILE);
  return new PostgresWeblog(
    config.postgres.warehouseUrl,
    config.pipeline.warehouseSchema ?? model.name,
    model,
  );
}

/**
 * The web-log stream as one service of `starling run` (or `starling weblog follow`): the source following
 * STARLING_WEBLOG_FILE into `<prefix>.weblog.lines`, the processor group (STARLING_WEBLOG_GROUP) writing
 * the web-request fact, and the daily archiver. Run it in one process only: two sources following one file
 * would both resume from the same checkpoint and send its lines twice. start() rejects on bad
 * configuration or an unreachable service at start; later failures that are not transient reach onFatal.
 * stop() stops the source first (intake), then lets the processor's batch in flight commit, then the
 * archiver, then closes the database.
 */
export function createWeblogService(config: StarlingConfig, log: Logger, onFatal: (e: Error) => void) {
  const group = config.weblog.group;
  const wlog = log.child({ stage: 'weblog' });
  const source = config.weblog.file === undefined ? undefined : createWeblogSource(config, log, onFatal);
  const topic = weblogLinesTopic(config);
  let warehouse: WeblogWarehouse | undefined;
  let runner: SinkRunner | undefined;
  let processor: WeblogProcessor | undefined;
  let archiver: DailyArchiver | undefined;

  return {
    name: 'weblog',
    group,
    stats: () => runner?.stats,
    /** What each part did: lines sent, lines kept/excluded/dead-lettered, archives written. */
    weblogStats: () => ({ source: source?.stats(), processor: processor?.stats, archiver: archiver?.stats }),
    pause: async () => runner?.pause(),
    resume: async () => runner?.resume(),
    /** Rebuilds one day's archive now (YYYY-MM-DD), whether or not the day is complete. */
    archiveDay: async (day: string) => {
      if (!archiver) throw new Error('the web-log service is not started');
      return archiver.archiveDay(day);
    },
    async start(): Promise<void> {
      const w = await createWeblogWarehouse(config);
      warehouse = w;
      await withRetry(() => w.ensureTables(), {
        what: 'web-log DDL',
        windowMs: config.staging.retryWindowMs,
        log: wlog,
      });
      const a = new DailyArchiver(w, config.weblog.archiveDir, config.weblog.archiveGraceMs, wlog);
      archiver = a;
      await a.recover();
      processor = new WeblogProcessor(
        w,
        config.weblog.excludedIps,
        wlog,
        config.staging.retryWindowMs,
        (days) => a.noteWritten(days),
      );
      runner = new SinkRunner({
        kafka: createKafka(kafkaOptionsFrom(config, { clientId: `starling-${group}` })),
        groupId: group,
        topicFilter: (t) => t === topic,
        processor,
        dlqTopic: dlqTopic(group),
        log: log.child({ group }),
        ...runnerSettings(config),
        checkTopics: (admin, topics) => checkRawTopics(config, admin, topics),
        // The lines topic is new in a fresh deployment: found within a second once the source creates it.
        watchIntervalMs: 1000,
        onFatal,
      });
      // The source first: it creates the lines topic the processor subscribes to.
      await source?.start();
      await runner.start();
      a.start(Math.max(100, Math.min(1000, Math.floor(config.weblog.archiveGraceMs / 4))));
      wlog.info('web-log stream running', {
        group,
        topic,
        file: config.weblog.file ?? '(none: processor only)',
        schema: w.schema,
        archives: config.weblog.archiveDir,
      });
    },
    async stop(): Promise<void> {
      await source?.stop();
      await runner?.stop();
      await archiver?.stop();
      await warehouse?.close();
    },
  };
}
