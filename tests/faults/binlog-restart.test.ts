import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectApi } from '../../connectors/connect-api.js';
import { resnapshot } from '../../connectors/resnapshot.js';
import { ConnectorSupervisor, decide } from '../../connectors/supervisor.js';
import { loadConfig } from '../../core/config/load.js';
import type { Logger } from '../../core/log/logger.js';
import { MariaDbService } from '../../infra/stack/mariadb.js';
import { stackPaths } from '../../infra/stack/paths.js';
import { portOpen } from '../../infra/stack/proc.js';
import { renderMetrics } from '../../ops/http/metrics.js';
import { softcartModel } from '../../schemas/softcart.js';
import { dataDirFor } from '../../seeds/source.js';
import { runWorkload } from '../../seeds/workload/run.js';
import { epochReports } from '../../sinks/epochs/report.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { createWarehouseSink } from '../../sinks/warehouse/warehouse-sink.js';
import { createConformService } from '../../streams/conform/conform-service.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import { sourceChecksums, stagingChecksums, stagingPool } from '../support/mirror-checksum.js';
import { caughtUp, newStar } from '../support/star.js';
import { seedStarSources } from '../support/star-scenario.js';
import { FULL, MATRIX_MIX, reconcileSummary, SEED, SIZE } from './support/matrix.js';

// A source whose binlog coordinates restart. RESET MASTER must not run on the shared MariaDB (other live
// connectors read its binlog), so this test starts a private throwaway MariaDB server (the stack's own
// module, on its own port and data directory), seeds SoftCart into it and captures it with its own
// connector; the staging sink, the conform processors and the warehouse sink run in this process. After a
// seeded workload has landed, RESET MASTER restarts the coordinates, more changes follow, and the connector
// takes a new snapshot through `resnapshot` (what `starling connectors resnapshot` runs); then another
// workload. The new snapshot and every later change carry coordinates below those already written: without
// source epochs the position guards would silently reject them all. The test requires staging equal to the
// source, reconcile clean (staging and the warehouse facts), the epoch logged at error level by both stages
// that read raw topics, and the /metrics counter above 0.
//
// Between RESET MASTER and the new snapshot the workload makes inserts and updates only: a snapshot reads the
// rows that exist, so a row deleted while the connector cannot stream is not seen as deleted by any sink
// (reconcile then lists it as `extra`); see the report of this change.

const size = FULL ? { rate: 200, seconds: 20, gapSeconds: 10 } : { rate: 60, seconds: 6, gapSeconds: 4 };
console.info(`binlog-restart: seed ${SEED}, size ${SIZE}; rerun with STARLING_TEST_SEED=${SEED}`);

const base = testConfig();
const home = mkdtempSync(join(tmpdir(), 'starling-epoch-'));
const dataDir = join(home, 'db');
let port = 0;
let server: MariaDbService | undefined;

/** Error-level log lines of the pipeline (the epoch must be reported loudly); nothing is printed. */
const errorsLogged: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
function recordingLogger(): Logger {
  const l: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (msg, fields) => errorsLogged.push({ msg, fields }),
    child: () => l,
  };
  return l;
}

async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = 24_000 + ((SEED + i * 7919) % 8000);
    if (!(await portOpen(p))) return p;
  }
  throw new Error('no free port for the private MariaDB');
}

describe(`binlog coordinates that restart (seed ${SEED}, size ${SIZE})`, () => {
  // Assigned in beforeAll, once the private server's port is known.
  let cap: ReturnType<typeof newCapture>;
  let star: ReturnType<typeof newStar>;
  let config: ReturnType<typeof loadConfig>;
  let services: Array<{ stop(): Promise<void> }> = [];
  const fatal: Error[] = [];
  let docs: Awaited<ReturnType<typeof seedStarSources>>['docs'] = [];
  const pool = stagingPool(base);

  beforeAll(async () => {
    port = await freePort();
    chmodSync(home, 0o755); // MariaDB runs as `mysql` and must traverse it
    mkdirSync(dataDir, { mode: 0o755 });
    const serverConfig = loadConfig({
      ...process.env,
      STARLING_HOME: home,
      STARLING_DATA_DIR: dataDir,
      STARLING_MARIADB_PORT: String(port),
    });
    server = new MariaDbService(serverConfig, stackPaths(serverConfig));
    await server.up();

    cap = newCapture(base, 'it_epoch', 'it', { STARLING_MARIADB_PORT: String(port) });
    star = newStar(cap);
    config = loadConfig({ ...process.env, ...star.env, STARLING_SOURCE_DATABASES: cap.db });
    ({ docs } = await seedStarSources(cap.config, cap, star, dataDirFor(undefined)));
    await cap.start();
    const log = recordingLogger();
    const stagingConfig = loadConfig({
      ...process.env,
      ...cap.env,
      STARLING_STAGING_TOPICS: `^${cap.prefix}\\.${cap.db}\\.[^.]+$`,
    });
    const staging = createStagingSink(stagingConfig, log, (e) => fatal.push(e));
    const conform = createConformService(star.config, softcartModel, log, (e) => fatal.push(e));
    const warehouse = createWarehouseSink(star.config, softcartModel, log, (e) => fatal.push(e));
    await staging.runner.start();
    await conform.start();
    await warehouse.start();
    services = [staging, conform, warehouse];
  }, 300_000);

  afterAll(async () => {
    for (const s of services) await s.stop().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${cap?.db}" CASCADE`).catch(() => undefined);
    await pool.end();
    await star?.drop().catch(() => undefined);
    const failed = (await cap?.drop()) ?? [];
    await server?.down();
    rmSync(home, { recursive: true, force: true });
    expect(failed).toEqual([]);
  }, 120_000);

  const workload = (seed: number, seconds: number, mix = MATRIX_MIX) =>
    runWorkload({
      config: cap.config,
      database: cap.db,
      rate: size.rate,
      durationS: seconds,
      seed,
      txnSize: 3,
      mix,
      catalog: { standin: { topicPrefix: cap.prefix } },
      catalogDocs: docs as never,
    });

  /** Staging equals the source, every group consumed everything, reconcile (staging and facts) is clean. */
  async function converged(): Promise<void> {
    const sums = await sourceChecksums(cap.config, cap.db);
    await expect
      .poll(() => stagingChecksums(pool, cap.db), { timeout: 180_000, interval: 1000 })
      .toEqual(sums);
    await expect
      .poll(() => caughtUp(config, [cap.group, star.conformGroup, star.warehouseGroup]), {
        timeout: 180_000,
        interval: 1000,
      })
      .toBe(true);
    await expect
      .poll(() => reconcileSummary(config), { timeout: 120_000, interval: 3000 })
      .toMatchObject({ clean: true });
    expect(fatal).toEqual([]);
  }

  it('the pipeline follows the private source (epoch 0)', async () => {
    await workload(SEED, size.seconds);
    await converged();
    expect(epochReports().filter((r) => r.topic.startsWith(`${cap.prefix}.`))).toEqual([]);
  }, 600_000);

  it('after RESET MASTER and a new snapshot, a new epoch is detected, reported, and nothing is dropped', async () => {
    const conn = await mysqlConnection(cap.config);
    try {
      const [before] = await conn.query('SHOW MASTER STATUS');
      await conn.query('RESET MASTER');
      const [after] = await conn.query('SHOW MASTER STATUS');
      console.info('binlog-restart: RESET MASTER', { before, after });
    } finally {
      await conn.end();
    }
    // Changes the connector may or may not stream (its binlog file is gone): the new snapshot has them.
    await workload(SEED + 1, size.gapSeconds, { ...MATRIX_MIX, delete: 0, pk: 0 });
    const st = await new ConnectApi(base.connect.url).status(cap.connector);
    console.info('binlog-restart: connector after RESET MASTER', {
      states: [st.connector.state, ...st.tasks.map((t) => t.state)],
      firstLine: [st.connector, ...st.tasks]
        .find((x) => x.trace)
        ?.trace?.split('\n')[0]
        ?.slice(0, 300),
    });
    // The way out, as an operator takes it (the compiled CLI: `npm run build` first).
    const cli = await starling(['connectors', 'resnapshot', '--name', cap.connector], cap.env);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/stop: STOPPED[\s\S]*delete-offsets[\s\S]*resume: RUNNING/);
    await workload(SEED + 2, size.seconds);
    await converged();

    const mine = epochReports().filter((r) => r.topic.startsWith(`${cap.prefix}.`));
    const detectedBy = new Set(mine.filter((r) => r.epochsDetected > 0).map((r) => r.group));
    expect([...detectedBy].sort()).toEqual([cap.group, star.conformGroup].sort());
    const logged = errorsLogged.filter((e) => /binlog coordinates restarted/.test(e.msg));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]!.fields).toMatchObject({
      topic: expect.stringContaining(cap.prefix),
      partition: 0,
      offset: expect.any(String),
      before: expect.any(String),
      after: expect.any(String),
    });
    const metrics = renderMetrics(undefined, [], Date.now(), epochReports());
    const counter = new RegExp(
      `^starling_source_epochs_total\\{group="${cap.group}",topic="${cap.prefix}[^"]*",partition="0"\\} ([1-9]\\d*)$`,
      'm',
    );
    expect(metrics).toMatch(counter);
    console.info(
      'binlog-restart: epochs after RESET MASTER',
      mine.map(
        (r) =>
          `${r.group} ${r.topic}/${r.partition}: epoch ${r.currentEpoch}, ${r.epochsDetected} detected, ${r.guardAlarms} guard alarms`,
      ),
    );
  }, 900_000);

  it('a binlog purged past the connector offset: reported with the way out, or streamed on; never a silent stall', async () => {
    const api = new ConnectApi(base.connect.url);
    const call = (method: string, path: string) =>
      fetch(`${base.connect.url}/connectors/${encodeURIComponent(cap.connector)}${path}`, { method });
    const stateIs = async (want: string) => (await api.status(cap.connector)).connector.state === want;
    // The connector stops (its offsets stay), the source goes on, and the history it needs is purged.
    expect((await call('PUT', '/stop')).ok).toBe(true);
    await expect.poll(() => stateIs('STOPPED'), { timeout: 60_000, interval: 500 }).toBe(true);
    await workload(SEED + 10, size.gapSeconds, { ...MATRIX_MIX, delete: 0, pk: 0 });
    const conn = await mysqlConnection(cap.config);
    try {
      await conn.query('FLUSH BINARY LOGS');
      await conn.query('FLUSH BINARY LOGS');
      const [status] = await conn.query('SHOW MASTER STATUS');
      const current = (status as Array<{ File: string }>)[0]!.File;
      await conn.query(`PURGE BINARY LOGS TO '${current}'`);
      console.info('binlog-restart: purged every binlog before', current);
    } finally {
      await conn.end();
    }
    expect((await call('PUT', '/resume')).ok).toBe(true);
    // Either Debezium fails (its offset's history is gone) and the supervisor of `starling run`, here
    // in-process, reports the way out instead of restarting it in a loop; or Debezium still finds the
    // changes it missed (MariaDB serves a GTID position from a later binlog's GTID list) and staging
    // converges by itself. A connector that runs on while staging stays behind is the silent stall.
    const supervisor = new ConnectorSupervisor(api, recordingLogger(), { intervalMs: 1000 });
    supervisor.start();
    const sums = await sourceChecksums(cap.config, cap.db);
    let outcome: 'reported' | 'streamed' | undefined;
    try {
      const deadline = Date.now() + 120_000;
      while (outcome === undefined && Date.now() < deadline) {
        const verdict = supervisor.report().find((x) => x.name === cap.connector && x.unrecoverable);
        if (verdict) {
          expect(verdict.unrecoverable).toMatchObject({ wayOut: expect.stringContaining('resnapshot') });
          outcome = 'reported';
        } else if (JSON.stringify(await stagingChecksums(pool, cap.db)) === JSON.stringify(sums))
          outcome = 'streamed';
        else await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      await supervisor.stop();
    }
    console.info('binlog-restart: after the purge', { outcome });
    expect(outcome, 'neither a reported failure nor the missed changes: a silent stall').toBeDefined();
    await resnapshot(base.connect.url, cap.connector);
    await workload(SEED + 11, size.seconds);
    await converged();
  }, 900_000);

  it('after the server is rebuilt from a dump, a new snapshot starts another epoch, and nothing is dropped', async () => {
    const epochBefore = Math.max(
      0,
      ...epochReports()
        .filter((r) => r.group === cap.group)
        .map((r) => r.currentEpoch),
    );
    const login = ['-h', '127.0.0.1', '-P', String(port), '-u', cap.config.mysql.user];
    const auth = { ...process.env, MYSQL_PWD: cap.config.mysql.password };
    const dump = spawnSync('mariadb-dump', [...login, '--single-transaction', '--databases', cap.db], {
      encoding: 'utf8',
      env: auth,
      maxBuffer: 512 * 1024 * 1024,
    });
    expect(dump.status, dump.stderr).toBe(0);
    // Rebuild: stop, wipe the data directory (binlogs and GTID state included), initialise a new server.
    await server!.down();
    rmSync(join(dataDir, 'mariadb'), { recursive: true, force: true });
    await server!.up();
    // A restore does not write the binlog (as `mariadb-dump | mariadb` with sql_log_bin=0 would not): the new
    // server's coordinates stay below everything captured before.
    const load = spawnSync('mariadb', login, {
      input: `SET SESSION sql_log_bin = 0;\n${dump.stdout}`,
      encoding: 'utf8',
      env: auth,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(load.status, load.stderr).toBe(0);
    // The connector asks the new server for a binlog position it never had. If it fails within a while, the
    // supervisor's verdict must be the resnapshot way out (here Debezium kept retrying for longer: printed).
    const api = new ConnectApi(base.connect.url);
    const deadline = Date.now() + 20_000;
    let trace: string | undefined;
    while (Date.now() < deadline && trace === undefined) {
      const st = await api.status(cap.connector).catch(() => undefined);
      trace = [st?.connector, ...(st?.tasks ?? [])].find((x) => x?.state === 'FAILED')?.trace;
      if (trace === undefined) await new Promise((r) => setTimeout(r, 1000));
    }
    const verdict = trace === undefined ? undefined : decide('FAILED', trace, undefined, Date.now());
    console.info('binlog-restart: connector after the rebuild', {
      failed: trace !== undefined,
      firstLine: trace?.split('\n')[0]?.slice(0, 300),
      supervisor: verdict?.action,
    });
    if (verdict)
      expect(verdict).toMatchObject({ action: 'report', wayOut: expect.stringContaining('resnapshot') });

    await resnapshot(base.connect.url, cap.connector);
    await workload(SEED + 3, size.seconds);
    await converged();
    const mine = epochReports().filter((r) => r.group === cap.group && r.topic.startsWith(`${cap.prefix}.`));
    expect(Math.max(...mine.map((r) => r.currentEpoch))).toBeGreaterThan(epochBefore);
    console.info(
      'binlog-restart: epochs after the rebuild',
      epochReports()
        .filter((r) => r.topic.startsWith(`${cap.prefix}.`))
        .map(
          (r) =>
            `${r.group} ${r.topic}/${r.partition}: epoch ${r.currentEpoch}, ${r.epochsDetected} detected, ${r.guardAlarms} guard alarms`,
        ),
    );
  }, 900_000);
});
