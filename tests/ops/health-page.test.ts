import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/config/load.js';
import { createKafka, createProducer } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { ControlChannel, controlTopic } from '../../ops/control/control-channel.js';
import type { StatusReport } from '../../ops/http/status.js';
import type { LagSample } from '../../ops/lag/lag.js';
import { CHROMIUM, haveChromium, openWatchedPage } from '../support/browser.js';
import { newCapture } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { mysqlConnection, testConfig } from '../support/context.js';
import { stagingPool } from '../support/mirror-checksum.js';

// The pipeline health page in a real browser (Debian's chromium, headless, driven by playwright-core) against
// a private `starling run` (staging stage) of its own capture. The staging group is made to lag and stay
// still: it leaves its group through the control topic (as `starling replay --pause` has it do), then N
// source rows are committed. The page must show, per group/topic/partition, the lag `starling lag --json`
// reports, STALLED, the lag chart, the component states, a dead letter, and no console error; resumed, it
// shows the lag going back to 0. The CLI runs from dist/: `npm run build` first.
const N = 7;

const base = testConfig();
const cap = newCapture(base, 'it_page');
const staging = stagingPool(base);
const kafka = createKafka({ brokers: base.kafka.brokers });
const url = `http://127.0.0.1:${cap.env.STARLING_HTTP_PORT}`;
let pipeline: ChildProcess | undefined;
let browser: Browser | undefined;
let control: ControlChannel | undefined;

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await control?.stop().catch(() => undefined);
  pipeline?.kill('SIGKILL');
  await staging.query(`DROP SCHEMA IF EXISTS "${cap.db}" CASCADE`).catch(() => undefined);
  await staging.end();
  await cap.drop();
});

async function lagCli(): Promise<LagSample> {
  const r = await starling(['lag', '--group', cap.group, '--json', '--window', '0'], cap.env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as LagSample;
}

async function status(): Promise<StatusReport> {
  const res = await fetch(`${url}/api/status`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as StatusReport;
}

async function members(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeGroups([cap.group])).groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/** Has the pipeline leave (pause) or rejoin (resume) the staging group through the control topic. */
async function command(type: 'pause' | 'resume'): Promise<void> {
  control ??= new ControlChannel(kafka, controlTopic(cap.config), createLogger('silent'));
  const channel = control;
  const requestId = randomUUID();
  // Repeated until obeyed, as `starling replay --pause` does (pausing and resuming are idempotent).
  await expect
    .poll(
      async () => {
        await channel.send({ type, group: cap.group, requestId });
        await new Promise((r) => setTimeout(r, 1000));
        return (await members()) > 0;
      },
      { timeout: 60_000, interval: 0 },
    )
    .toBe(type === 'resume');
}

const testId = (id: string) => `[data-testid="${id.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`;
const textOf = (page: Page, id: string) => page.locator(testId(id)).textContent({ timeout: 1000 });
const asNumber = (text: string | null) => (text === null ? Number.NaN : Number(text.replaceAll(',', '')));

describe.skipIf(!haveChromium)(
  haveChromium
    ? 'the pipeline health page in headless Chromium'
    : `the pipeline health page (skipped: ${CHROMIUM} is not installed; infra/scripts/bootstrap.sh installs Debian's chromium)`,
  () => {
    it('shows the lag `starling lag` reports, its status and chart, throughput, dead letters and components, live', async () => {
      const conn = await mysqlConnection(base);
      await conn.query(`CREATE DATABASE \`${cap.db}\``);
      await conn.query(`CREATE TABLE \`${cap.db}\`.t (id INT PRIMARY KEY, v VARCHAR(20))`);
      await conn.query(`INSERT INTO \`${cap.db}\`.t VALUES (1, 'a'), (2, 'b')`);
      await cap.start();
      const topic = cap.topic('t');

      pipeline = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'run'], {
        env: { ...process.env, ...cap.env, STARLING_PIPELINE: 'staging', STARLING_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      // Caught up on the snapshot: the page's own endpoint says so.
      await expect
        .poll(
          async () => {
            const s = await status().catch(() => undefined);
            const rows = s?.lag.filter((r) => r.topic === topic) ?? [];
            return rows.length > 0 && rows.every((r) => r.lag === 0);
          },
          { timeout: 120_000, interval: 1000 },
        )
        .toBe(true);

      // A record that is not Avro: one dead letter for the staging group.
      const producer = createProducer(kafka);
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'not-avro', value: 'not avro either' }] });
      await producer.disconnect();
      await expect
        .poll(async () => (await status()).stages.find((s) => s.group === cap.group)?.stats.deadLetters, {
          timeout: 60_000,
        })
        .toBe(1);
      await expect
        .poll(async () => (await lagCli()).rows.filter((r) => r.topic === topic).every((r) => r.lag === 0), {
          timeout: 60_000,
          interval: 1000,
        })
        .toBe(true);

      // The group leaves (idle: its committed offsets stay), then N changes: lag N, stable.
      await command('pause');
      for (let i = 0; i < N; i++) await conn.query(`INSERT INTO \`${cap.db}\`.t VALUES (?, 'x')`, [100 + i]);
      await conn.end();
      await expect
        .poll(
          async () => (await lagCli()).rows.filter((r) => r.topic === topic).reduce((n, r) => n + r.lag, 0),
          { timeout: 60_000, interval: 1000 },
        )
        .toBe(N);

      const watched = await openWatchedPage();
      browser = watched.browser;
      const { page, problems } = watched;
      const res = await page.goto(`${url}/`);
      expect(res?.status()).toBe(200);
      expect(await page.title()).toBe('Starling pipeline health');

      // The page shows N in total for the group, then each partition's lag equals the CLI's at that moment.
      await expect
        .poll(async () => asNumber(await textOf(page, `group-lag-${cap.group}`).catch(() => null)), {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(N);
      const cliRows = (await lagCli()).rows.filter((r) => r.topic === topic);
      expect(cliRows.length).toBeGreaterThan(0);
      for (const r of cliRows) {
        const shown = await textOf(page, `lag-${cap.group}-${topic}-${r.partition}`);
        expect(asNumber(shown), `partition ${r.partition}`).toBe(r.lag);
        const seconds = asNumber(await textOf(page, `lag-seconds-${cap.group}-${topic}-${r.partition}`));
        if (r.lag > 0) expect(seconds).toBeGreaterThan(0);
      }
      // No commit progress over the window: STALLED, and the group has no members.
      const lagging = cliRows.find((r) => r.lag > 0)!;
      await expect
        .poll(() => textOf(page, `lag-status-${cap.group}-${topic}-${lagging.partition}`), {
          timeout: 30_000,
        })
        .toBe('STALLED');
      expect(await textOf(page, `group-state-${cap.group}`)).toBe('Empty');
      expect(await textOf(page, 'overall-lag')).toBe('STALLED');

      // The chart: an SVG with a line (two or more samples) for the group, labelled.
      const chart = page.locator(testId('lag-chart-svg'));
      await expect.poll(() => chart.isVisible()).toBe(true);
      await expect
        .poll(() => chart.locator(`polyline[data-group="${cap.group}"]`).count(), { timeout: 30_000 })
        .toBe(1);
      expect(await page.locator(testId('lag-chart')).textContent()).toContain(
        `${cap.group}: ${N} messages now`,
      );

      // Components, as /health has them.
      for (const [name, state] of [
        ['kafka', 'UP'],
        ['registry', 'UP'],
        ['postgres-staging', 'UP'],
        ['mariadb', 'UP'],
        [`connector:${cap.connector}`, 'RUNNING'],
        [`connector:${cap.connector}/task:0`, 'RUNNING'],
      ])
        await expect.poll(() => textOf(page, `component-${name}`).catch(() => null)).toBe(state);

      // Throughput and dead letters of the stage.
      const s = await status();
      const stage = s.stages.find((x) => x.group === cap.group)!;
      expect(asNumber(await textOf(page, `records-${cap.group}`))).toBe(stage.stats.records);
      expect(await textOf(page, `throughput-${cap.group}`)).toMatch(/^\d+\.\d$/);
      expect(asNumber(await textOf(page, `dead-letters-${cap.group}`))).toBe(1);
      const [code] = Object.keys(stage.stats.deadLettersByCode);
      expect(asNumber(await textOf(page, `dead-letters-${cap.group}-${code}`))).toBe(1);

      // The page and /metrics share one lag sample: they agree.
      const metrics = await (await fetch(`${url}/metrics`)).text();
      for (const r of s.lag.filter((x) => x.topic === topic))
        expect(metrics).toContain(
          `kafka_consumergroup_group_lag{group="${cap.group}",topic="${topic}",partition="${r.partition}"} ${r.lag}\n`,
        );
      // No secret in what the page reads.
      const raw = await (await fetch(`${url}/api/status`)).text();
      for (const secret of base.secrets.filter((x) => x.length >= 3)) expect(raw).not.toContain(secret);
      expect((await fetch(`${url}/nope`)).status).toBe(404);

      // Live: the group rejoins and consumes; the page follows it back to 0 and OK.
      await command('resume');
      await expect
        .poll(async () => asNumber(await textOf(page, `group-lag-${cap.group}`).catch(() => null)), {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(0);
      await expect
        .poll(() => textOf(page, `lag-status-${cap.group}-${topic}-${lagging.partition}`), {
          timeout: 30_000,
        })
        .toBe('OK');

      expect(problems).toEqual([]);
      pipeline.kill('SIGTERM');
    });
  },
);
