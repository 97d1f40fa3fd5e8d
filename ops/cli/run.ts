import type { Command } from 'commander';
import { ConnectApi } from '../../connectors/connect-api.js';
import { ConnectorSupervisor } from '../../connectors/supervisor.js';
import { loadConfig } from '../../core/config/load.js';
import { redactText } from '../../core/config/redact.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { loadModel } from '../../schemas/model/load.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { createWarehouseSink } from '../../sinks/warehouse/warehouse-sink.js';
import { createWeblogService } from '../../sinks/weblog/weblog-service.js';
import { createConformService } from '../../streams/conform/conform-service.js';
import { ControlChannel, controlTopic } from '../control/control-channel.js';
import { checkHealth } from '../http/health.js';
import type { SinkMetricsInput } from '../http/metrics.js';
import { createSalesPool, type SalesPool } from '../http/sales/pool.js';
import { createProjectionSource } from '../http/sales/projection-source.js';
import { createSalesSource } from '../http/sales/source.js';
import { createTermsSource } from '../http/sales/terms-source.js';
import { type HttpServerHandle, startHttpServer } from '../http/server.js';
import { createOpsEndpoints } from '../http/status-source.js';
import { runCommand } from './run-command.js';

const SHUTDOWN_DEADLINE_MS = 30_000;

export function runCommands(program: Command): void {
  program
    .command('run')
    .description(
      'run the pipeline: the staging sink, the conform processors and the warehouse sink (STARLING_PIPELINE picks stages)',
    )
    .action(() =>
      runCommand(async () => {
        const config = loadConfig();
        const log = createLogger(config.env.STARLING_LOG_LEVEL, { app: 'starling' }, config.secrets);
        let fatal: Error | undefined;
        const onFatal = (e: Error) => {
          fatal = e;
          log.error('fatal: stopping', { error: e.message });
          shutdown(1);
        };
        const stages = config.pipeline.stages;
        // Validated by the loader (every problem at once); the same loader as `reconcile` and `migrate`.
        const model = stages.some((s) => s !== 'staging')
          ? (await loadModel(config.env.STARLING_MODEL_FILE)).model
          : undefined;
        const services: Array<{
          name: string;
          group: string;
          start(): Promise<void>;
          stop(): Promise<void>;
          stats(): SinkMetricsInput['stats'] | undefined;
          pause(): Promise<void>;
          resume(): Promise<void>;
        }> = [];
        if (stages.includes('staging')) {
          const sink = createStagingSink(config, log, onFatal);
          services.push({
            name: 'staging',
            group: config.staging.group,
            start: () => sink.runner.start(),
            stop: () => sink.stop(),
            stats: () => sink.runner.stats,
            pause: () => sink.runner.pause(),
            resume: () => sink.runner.resume(),
          });
        }
        if (model && stages.includes('conform')) {
          const conform = createConformService(config, model, log, onFatal);
          services.push({ name: 'conform', group: config.pipeline.conformGroup, ...conform });
        }
        // The sales dashboard reads the star this process writes (and the course tables seeded beside it in
        // the same schema): only with the warehouse stage, and only on PostgreSQL (its SQL is PostgreSQL's; a
        // Db2 warehouse gets the page with a message).
        let salesPool: SalesPool | undefined;
        let sales: ReturnType<typeof createSalesSource> | undefined;
        let salesTerms: ReturnType<typeof createTermsSource> | undefined;
        let salesProjection: ReturnType<typeof createProjectionSource> | undefined;
        if (model && stages.includes('warehouse')) {
          const warehouse = createWarehouseSink(config, model, log, onFatal);
          services.push({ name: 'warehouse', group: config.pipeline.warehouseGroup, ...warehouse });
          if (/^postgres(ql)?:/.test(config.postgres.warehouseUrl)) {
            salesPool = createSalesPool(config.postgres.warehouseUrl);
            const where = { query: salesPool.query, schema: warehouse.schema };
            sales = createSalesSource(where);
            salesTerms = createTermsSource(where);
            salesProjection = createProjectionSource(where);
          } else log.info('no sales dashboard: it reads a PostgreSQL warehouse only');
        }
        // The web-log stream (source, processor, daily archives), in the process with the warehouse stage only:
        // two sources following one file would send its lines twice.
        if (config.weblog.file !== undefined && stages.includes('warehouse'))
          services.push(createWeblogService(config, log, onFatal));
        let http: HttpServerHandle | undefined;
        let controlRef: ControlChannel | undefined;
        let supervisor: ConnectorSupervisor | undefined;
        let stopping = false;
        const shutdown = (code: number) => {
          if (stopping) return;
          stopping = true;
          // Stop intake, let the batch in flight write and commit, then disconnect, within a deadline.
          const timer = setTimeout(() => {
            log.error('shutdown deadline passed; exiting');
            process.exit(1);
          }, SHUTDOWN_DEADLINE_MS);
          timer.unref();
          (http?.close() ?? Promise.resolve())
            .catch((e) => log.error('error while stopping the HTTP server', { error: String(e) }))
            .then(() => supervisor?.stop())
            .then(() => controlRef?.stop())
            .then(() => Promise.all(services.map((x) => x.stop())))
            .then(() => salesPool?.end())
            .catch((e) => log.error('error while stopping', { error: String(e) }))
            .finally(() => process.exit(fatal ? 1 : code));
        };
        process.on('SIGINT', () => shutdown(0));
        process.on('SIGTERM', () => shutdown(0));
        for (const x of services) {
          if (stopping) break;
          await x.start();
        }
        log.info('pipeline running', { stages: services.map((x) => x.name) });
        if (config.env.STARLING_CONNECTOR_SUPERVISOR === 'on' && !stopping) {
          supervisor = new ConnectorSupervisor(
            new ConnectApi(config.connect.url, config.connect.auth),
            log.child({ stage: 'connectors' }),
          );
          supervisor.start();
        }
        // Operator commands (`starling replay --pause`) reach this process through the control topic.
        const control = new ControlChannel(
          createKafka(kafkaOptionsFrom(config, { clientId: 'starling-control' })),
          controlTopic(config),
          log,
        );
        controlRef = control;
        if (!stopping)
          await control.start(async (m) => {
            if (m.type !== 'pause' && m.type !== 'resume') return;
            const mine = services.filter((x) => x.group === m.group);
            if (mine.length === 0) return;
            for (const x of mine) await (m.type === 'pause' ? x.pause() : x.resume());
            log.info(m.type === 'pause' ? 'left the group on request' : 'rejoined the group on request', {
              group: m.group,
              requestId: m.requestId,
            });
            await control.send({
              type: m.type === 'pause' ? 'paused' : 'resumed',
              group: m.group,
              requestId: m.requestId,
              instance: control.instance,
            });
          });
        if (!stopping) {
          const endpoints = createOpsEndpoints({
            kafka: createKafka(kafkaOptionsFrom(config, { clientId: 'starling-metrics' })),
            groups: services.map((x) => x.group),
            sinks: () =>
              services.flatMap((x) => {
                const stats = x.stats();
                return stats ? [{ group: x.group, stats }] : [];
              }),
            health: () =>
              checkHealth(config, {
                groups: services.map((x) => x.group),
                supervised: () => supervisor?.report() ?? [],
              }),
            secrets: config.secrets,
          });
          http = await startHttpServer({
            host: config.http.host,
            port: config.http.port,
            metrics: endpoints.metrics,
            health: endpoints.health,
            status: endpoints.status,
            sales,
            salesTerms,
            salesProjection,
            onError: (e) =>
              log.error('HTTP request failed', {
                error: redactText(e instanceof Error ? e.message : String(e), config.secrets),
              }),
          }).catch((e: unknown) => {
            // e.g. the port is taken: stop the sink gracefully rather than run without the endpoints.
            log.error('cannot start the HTTP server; stopping', { error: String(e) });
            shutdown(1);
            return undefined;
          });
          if (http !== undefined) {
            log.info('HTTP server listening', {
              url: http.url,
              paths: `/ /api/status /metrics /health${sales ? ' /sales /api/sales /api/sales/terms /api/sales/projection' : ''}`,
            });
            if (stopping) await http.close();
          }
        }
        await new Promise(() => undefined); // runs until a signal
        return 0;
      }),
    );
}
