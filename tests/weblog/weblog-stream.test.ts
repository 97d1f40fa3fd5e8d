import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weblogLinesTopic } from '../../connectors/weblog/line-record.js';
import { loadConfig, REPO_ROOT, type StarlingConfig } from '../../core/config/load.js';
import { createKafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { replayGroup } from '../../ops/dlq/groups.js';
import { dataDirFor } from '../../seeds/source.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { createWeblogService } from '../../sinks/weblog/weblog-service.js';
import { archiveName, readArchive } from '../../streams/weblog/archive.js';
import { starling } from '../support/cli.js';
import { uniqueName } from '../support/context.js';
import { header, readDeadLetters } from '../support/dead-letters.js';

// The course's `process_web_log` DAG made continuous, against the real Kafka and PostgreSQL: the course's
// accesslog.txt (copied to a temp file) is followed into `<prefix>.weblog.lines`, the processor keeps every
// line but those of 198.46.149.143 in `<schema>."FactWebRequest"` (line 8899, cut off inside its user agent,
// included, as the course's DAG keeps it), dead-letters malformed lines, and archives each complete day.
// Everything is compared with an independent computation over the file's text (no parser of Starling's):
// kept = lines whose first field is not the excluded address and that are whole up to the user agent's
// opening quote.
const EXCLUDED = '198.46.149.143';
const dataDir = dataDirFor(undefined);
const prefix = uniqueName('itweblog');
const group = uniqueName('it-weblog');
const schema = uniqueName('it_weblog');
let dir = '';
let logFile = '';
let config: StarlingConfig;
let warehouse: pg.Pool;
const fatal: Error[] = [];
const services: Array<ReturnType<typeof createWeblogService>> = [];
let letters: Awaited<ReturnType<typeof readDeadLetters>> | undefined;

/** Every line the source should have sent so far, in file order (the oracle's input). */
const sent: string[] = [];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Client, ident, user, [time], "request", status, bytes, "referer", and the user agent's opening quote. */
const WHOLE_TO_USER_AGENT = /^\S+ \S+ \S+ \[[^\]]+\] "(?:[^"\\]|\\.)*" \d{3} \S+ "(?:[^"\\]|\\.)*" "/;

/** The oracle: kept lines by the DAG's rule, with the day and the request path and status of each. */
function oracle(lines: string[]) {
  const kept = lines.filter((l) => l.split(' ')[0] !== EXCLUDED && WHOLE_TO_USER_AGENT.test(l));
  const rows = kept.map((l) => {
    const m = /^\S+ \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):[^\]]*\] "([^"]*)" (\d{3}) /.exec(l)!;
    const parts = m[4]!.split(' ');
    const day = `${m[3]}-${String(MONTHS.indexOf(m[2]!) + 1).padStart(2, '0')}-${m[1]}`;
    return { line: l, day, path: parts.length === 3 ? parts[1]! : null, status: Number(m[5]) };
  });
  const perDay = new Map<string, number>();
  for (const r of rows) perDay.set(r.day, (perDay.get(r.day) ?? 0) + 1);
  const checksum = md5(rows.map((r) => `${r.path ?? ''}|${r.status}`).join('\n'));
  return { rows, perDay, checksum };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const fact = () => `"${schema}"."FactWebRequest"`;

async function factState() {
  const count = Number((await warehouse.query(`SELECT count(*) AS n FROM ${fact()}`)).rows[0].n);
  const perDay = new Map<string, number>(
    (
      await warehouse.query(
        `SELECT to_char(d.date, 'YYYY-MM-DD') AS day, count(*) AS n FROM ${fact()} f
           JOIN "${schema}"."DimDate" d ON d.dateid = f.dateid GROUP BY 1 ORDER BY 1`,
      )
    ).rows.map((r) => [r.day as string, Number(r.n)]),
  );
  const { rows } = await warehouse.query(
    `SELECT md5(coalesce(string_agg(coalesce(path, '') || '|' || status, E'\\n' ORDER BY source_offset), '')) AS c,
            count(DISTINCT (file_inode, file_offset)) AS distinct_positions,
            count(*) FILTER (WHERE client_ip = $1) AS excluded
       FROM ${fact()}`,
    [EXCLUDED],
  );
  return {
    count,
    perDay,
    checksum: rows[0].c as string,
    distinctPositions: Number(rows[0].distinct_positions),
    excluded: Number(rows[0].excluded),
  };
}

/** Polls until the fact holds `n` rows (deadline), then compares it with the oracle over `sent`. */
async function expectFactEqualsOracle(deadlineMs = 120_000): Promise<void> {
  const want = oracle(sent);
  await expect
    .poll(async () => (await factState()).count, { timeout: deadlineMs, interval: 250 })
    .toBe(want.rows.length);
  const got = await factState();
  expect(got.perDay).toEqual(want.perDay);
  expect(got.checksum).toBe(want.checksum);
  expect(got.excluded).toBe(0);
  expect(got.distinctPositions).toBe(want.rows.length);
  const lines = (await warehouse.query(`SELECT line FROM ${fact()} ORDER BY source_offset`)).rows.map(
    (r) => r.line as string,
  );
  expect(md5(lines.join('\n'))).toBe(md5(want.rows.map((r) => r.line).join('\n')));
  expect(fatal).toEqual([]);
}

/** The lines topic's end offset: one record per line sent, so it equals `sent.length` without duplicates. */
async function linesInTopic(): Promise<number> {
  const admin = createKafka(kafkaOptionsFrom(config)).admin();
  await admin.connect();
  try {
    return Number((await admin.fetchTopicOffsets(weblogLinesTopic(config)))[0]!.high);
  } finally {
    await admin.disconnect();
  }
}

/** The test's settings for a CLI process. */
function cliEnv(): Record<string, string> {
  return {
    STARLING_TOPIC_PREFIX: prefix,
    STARLING_WEBLOG_GROUP: group,
    STARLING_WEBLOG_ARCHIVE_DIR: config.weblog.archiveDir,
    STARLING_WAREHOUSE_SCHEMA: schema,
    STARLING_LOG_LEVEL: 'silent',
  };
}

async function startService() {
  const s = createWeblogService(config, createLogger('silent'), (e) => fatal.push(e));
  services.push(s);
  await s.start();
  return s;
}

async function stopAll() {
  while (services.length) await services.pop()!.stop();
}

const line = (ip: string, day: string, path: string, status = 200) =>
  `${ip} - - [${day}:09:00:00 +0000] "GET ${path} HTTP/1.1" ${status} 123 "-" "it-weblog"`;

async function append(lines: string[], file = logFile): Promise<void> {
  await appendFile(file, lines.map((l) => `${l}\n`).join(''));
  sent.push(...lines);
}

describe('web-log stream (live Kafka and PostgreSQL)', () => {
  beforeAll(async () => {
    expect(dataDir, 'the course files (STARLING_SOFTCART_DIR)').toBeDefined();
    dir = await mkdtemp(join(tmpdir(), 'starling-weblog-it-'));
    logFile = join(dir, 'access.log');
    await copyFile(join(dataDir!, 'accesslog.txt'), logFile);
    sent.push(...(await readFile(logFile, 'utf8')).split('\n').slice(0, -1));
    config = loadConfig({
      ...process.env,
      STARLING_TOPIC_PREFIX: prefix,
      STARLING_WEBLOG_FILE: logFile,
      STARLING_WEBLOG_GROUP: group,
      STARLING_WEBLOG_ARCHIVE_DIR: join(dir, 'archives'),
      STARLING_WEBLOG_ARCHIVE_GRACE_MS: '300',
      STARLING_WAREHOUSE_SCHEMA: schema,
      STARLING_LOG_LEVEL: 'silent',
    });
    warehouse = new pg.Pool({ connectionString: config.postgres.warehouseUrl, max: 2 });
  });

  afterAll(async () => {
    await stopAll();
    await letters?.stop();
    const kafka = createKafka(kafkaOptionsFrom(config));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([group, `${group}-dlq-reader`, replayGroup(group)]).catch(() => undefined);
    await admin.deleteTopics({ topics: [weblogLinesTopic(config), dlqTopic(group)] }).catch(() => undefined);
    await admin.disconnect();
    await warehouse?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await warehouse?.end();
    await rm(dir, { recursive: true, force: true });
  });

  it('the oracle: 10,000 lines, 82 of the excluded address, line 8899 cut off in its user agent, 9,918 kept', () => {
    expect(sent).toHaveLength(10_000);
    expect(sent.filter((l) => l.split(' ')[0] === EXCLUDED)).toHaveLength(82);
    expect(sent.findIndex((l) => !l.endsWith('"'))).toBe(8898);
    expect(oracle(sent).rows).toHaveLength(9918);
  });

  it('streams the course file, surviving a restart of the source mid-file, into exactly the kept lines', async () => {
    const first = await startService();
    // Stop while the file is still streaming: the restart must resume from Kafka's last record.
    await expect
      .poll(() => first.weblogStats().source?.lines ?? 0, { timeout: 60_000, interval: 20 })
      .toBeGreaterThan(0);
    await stopAll();
    const stoppedAt = await linesInTopic();
    await startService();
    await expectFactEqualsOracle();
    expect(await linesInTopic()).toBe(sent.length);
    // Printed for the report: where the first source stopped.
    console.log(`source restarted after ${stoppedAt} of ${sent.length} lines`);
  });

  it('keeps line 8899, cut off inside its user agent, as written; nothing of the course file is dead-lettered', async () => {
    const { rows } = await warehouse.query(
      `SELECT client_ip, status, path, user_agent, line FROM ${fact()} WHERE source_offset = 8898`,
    );
    expect(rows).toEqual([
      {
        client_ip: '46.118.127.106',
        status: 200,
        path: expect.any(String),
        user_agent: expect.stringMatching(/\+http:\/\/www\.google\.com\/bot\.html$/),
        line: sent[8898],
      },
    ]);
    const admin = createKafka(kafkaOptionsFrom(config)).admin();
    await admin.connect();
    try {
      expect((await admin.fetchTopicOffsets(dlqTopic(group))).map((o) => o.high)).toEqual(['0']);
    } finally {
      await admin.disconnect();
    }
    letters = await readDeadLetters(
      createKafka(kafkaOptionsFrom(config)),
      dlqTopic(group),
      `${group}-dlq-reader`,
    );
  });

  it('streams appended lines: kept, excluded and malformed ones each go their way', async () => {
    await append([
      line('10.1.2.3', '21/May/2015', '/new/one'),
      line(EXCLUDED, '21/May/2015', '/excluded'),
      '10.1.2.3 - - [21/May/2015:09:00:01 +0000] "GET /cut',
      line('10.1.2.4', '21/May/2015', '/new/two', 404),
    ]);
    await expectFactEqualsOracle();
    await expect.poll(() => letters!.letters.length, { timeout: 30_000 }).toBe(1);
    const [letter] = letters!.letters;
    expect(letter!.value?.toString('utf8')).toBe(sent[sent.length - 2]);
    expect(header(letter!, 'starling.error.code')).toBe('WEBLOG_UNPARSEABLE');
    expect(header(letter!, 'starling.error.message')).toMatch(/closing quote is missing/);
    expect(header(letter!, 'starling.source.topic')).toBe(weblogLinesTopic(config));
    expect(header(letter!, 'starling.source.offset')).toBe(String(sent.length - 2));
    expect(header(letter!, 'weblog.file')).toBe(logFile);
  });

  it('keeps streaming across a rename rotation', async () => {
    const rotated = `${logFile}.1`;
    await rename(logFile, rotated);
    // The writer had not reopened yet: its last line still goes to the old file.
    await append([line('10.1.2.5', '21/May/2015', '/late-in-old-file')], rotated);
    await writeFile(logFile, '');
    await append([
      line('10.1.2.6', '21/May/2015', '/first-in-new-file'),
      line('10.1.2.7', '22/May/2015', '/next-day'),
    ]);
    await expectFactEqualsOracle();
  });

  it('resumes after a restart with nothing lost or repeated, lines written while stopped included', async () => {
    // Replayed dead letters land at the end of the lines topic carrying their old positions: the restart
    // must not take them for its checkpoint.
    const replay = await starling(['dlq', 'replay', '--group', group, '--json'], cliEnv());
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout).sent).toBe(1);
    await expect.poll(() => letters!.letters.length, { timeout: 30_000 }).toBe(2);
    expect(letters!.letters[1]!.value?.toString()).toBe(letters!.letters[0]!.value?.toString());
    await stopAll();
    await append([
      line('10.1.2.8', '22/May/2015', '/while-stopped-1'),
      line('10.1.2.9', '22/May/2015', '/while-stopped-2'),
    ]);
    await startService();
    await expectFactEqualsOracle();
    expect(await linesInTopic()).toBe(sent.length + 1); // + the replayed dead letter
  });

  it('`starling weblog follow` killed with -9 mid-stream: the next start resumes without a gap or a repeat', async () => {
    await stopAll();
    const before = await linesInTopic();
    const burst = Array.from({ length: 30_000 }, (_, i) =>
      line(`10.2.${(i >> 8) & 255}.${i & 255}`, '23/May/2015', `/burst/${i}`),
    );
    await append(burst);
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'starling.mjs'), 'weblog', 'follow'], {
      env: {
        ...process.env,
        ...cliEnv(),
        STARLING_WEBLOG_FILE: logFile,
        STARLING_WEBLOG_ARCHIVE_GRACE_MS: '300',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect
      .poll(() => linesInTopic(), { timeout: 60_000, interval: 50 })
      .toBeGreaterThan(before + 2_000);
    child.kill('SIGKILL');
    await exited;
    const atKill = (await linesInTopic()) - before;
    expect(atKill, stderr).toBeLessThan(burst.length);
    await startService();
    await expectFactEqualsOracle();
    expect(await linesInTopic()).toBe(sent.length + 1); // + the replayed dead letter
    console.log(`kill -9 after ${atKill} of ${burst.length} appended lines`);
  });

  it('archives every complete day, equal to its kept lines in file order, and rewrites identically', async () => {
    const want = oracle(sent);
    const days = [...want.perDay.keys()].sort();
    const newest = days.at(-1)!;
    const archiveDir = config.weblog.archiveDir;
    // Every day before the newest is complete (a later day has lines) once its grace period passed.
    for (const day of days.slice(0, -1))
      await expect.poll(() => existsSync(join(archiveDir, archiveName(day))), { timeout: 30_000 }).toBe(true);
    expect(existsSync(join(archiveDir, archiveName(newest)))).toBe(false);
    const service = services.at(-1)!;
    await service.archiveDay(newest);
    for (const day of days) {
      const path = join(archiveDir, archiveName(day));
      expect(await readArchive(path)).toEqual(want.rows.filter((r) => r.day === day).map((r) => r.line));
      const before = await readFile(path);
      await service.archiveDay(day);
      expect((await readFile(path)).equals(before)).toBe(true);
    }
    // On demand from the CLI (dist/, `npm run build` first): the same bytes, rebuilt from the warehouse.
    const path = join(archiveDir, archiveName(newest));
    const inProcess = await readFile(path);
    await rm(path);
    const cli = await starling(['weblog', 'archive', '--day', newest], cliEnv());
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout.trim()).toBe(path);
    expect((await readFile(path)).equals(inProcess)).toBe(true);
    const bad = await starling(['weblog', 'archive', '--day', '2015-02-30'], cliEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a calendar day/);
    console.log(`archives: ${days.map((d) => `${d}=${want.perDay.get(d)}`).join(', ')}`);
  });
});
