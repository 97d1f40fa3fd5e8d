import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.js';
import { createKafka } from '../../core/kafka/client.js';
import { createLogger } from '../../core/log/logger.js';
import { publishCatalogSnapshot } from '../../seeds/catalog/standin.js';
import { catalogDocuments, dataDirFor } from '../../seeds/source.js';
import { dlqTopic } from '../../sinks/runtime/dead-letters.js';
import { createStagingSink } from '../../sinks/staging/staging-sink.js';
import { dropTopicsUnder } from '../support/capture.js';
import { starling } from '../support/cli.js';
import { testConfig, uniqueName } from '../support/context.js';
import { stagingPool } from '../support/mirror-checksum.js';

const base = testConfig();
const dataDir = dataDirFor(undefined);
const staging = stagingPool(base);
const cleanup: Array<() => Promise<unknown>> = [];
// No MongoDB: the command must answer from the staging mirror (an empty value counts as unset).
const noMongo = { STARLING_MONGODB_URL: '' };

afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await staging.end();
});

/** The course's answers computed here from catalog.json, read line by line, independently of the seed's parser. */
function expectedFromFile() {
  const docs = readFileSync(join(dataDir!, 'catalog.json'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; 'screen size'?: unknown });
  const phones = docs.filter((d) => d.type === 'smart phone');
  const sizes = phones.map((d) => d['screen size']).filter((s): s is number => typeof s === 'number');
  return {
    documents: docs.length,
    laptops: docs.filter((d) => d.type === 'laptop').length,
    smartPhonesScreen6: sizes.filter((s) => s === 6).length,
    smartPhoneAvgScreen: sizes.reduce((a, b) => a + b, 0) / sizes.length,
  };
}

describe.runIf(dataDir)('catalog stats over the staging mirror (stand-in -> Kafka -> staging sink)', () => {
  it("answers the course's three questions as catalog.json does: 389 laptops, 8 phones of size 6, average 6", async () => {
    const expected = expectedFromFile();
    expect(expected).toMatchObject({ documents: 438, laptops: 389, smartPhonesScreen6: 8 });
    expect(expected.smartPhoneAvgScreen).toBeCloseTo(6, 10);

    // A private topic prefix, staging group and catalog database, so the mirror is this test's own table.
    const prefix = uniqueName('it-catstats').replaceAll('_', '-');
    const db = uniqueName('it_catalog');
    const group = `it-staging-${prefix}`;
    const config = loadConfig({
      ...process.env,
      STARLING_TOPIC_PREFIX: prefix,
      STARLING_STAGING_GROUP: group,
    });
    cleanup.push(async () => {
      await staging.query(`DROP SCHEMA IF EXISTS "${db}" CASCADE`);
      await dropTopicsUnder(base, [prefix]);
      const admin = createKafka({ brokers: base.kafka.brokers }).admin();
      await admin.connect();
      // The sink's dead-letter topic is named after its group, not the prefix.
      await admin.deleteTopics({ topics: [dlqTopic(group)] }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect();
    });

    const docs = catalogDocuments(dataDir) as unknown as Array<Record<string, unknown>>;
    const published = await publishCatalogSnapshot(docs, { config, topicPrefix: prefix, db });
    expect(published.events).toBe(438);
    const sink = createStagingSink(
      config,
      createLogger(process.env.IT_LOG === '1' ? 'info' : 'silent'),
      (e) => {
        throw e;
      },
    );
    cleanup.push(() => sink.stop());
    await sink.runner.start();
    await expect
      .poll(
        async () =>
          (
            await staging
              .query(`SELECT count(*)::int AS n FROM "${db}".electronics`)
              .catch(() => ({ rows: [{ n: 0 }] }))
          ).rows[0].n,
        { timeout: 120_000, interval: 500 },
      )
      .toBe(438);

    const json = await starling(['catalog', 'stats', '--json', '--database', db], noMongo);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const a = JSON.parse(json.stdout);
    expect(a.source).toBe('staging');
    expect(a.laptops).toBe(expected.laptops);
    expect(a.smartPhonesScreen6).toBe(expected.smartPhonesScreen6);
    expect(a.smartPhoneAvgScreen).toBeCloseTo(expected.smartPhoneAvgScreen, 10);

    const text = await starling(['catalog', 'stats', '--database', db], noMongo);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        `Catalog answers from the staging mirror ${db}.electronics in starling_staging (no MongoDB configured):`,
        '  laptops: 389',
        '  smart phones with screen size 6: 8',
        '  average screen size of smart phones: 6',
        '',
      ].join('\n'),
    );
  });
});

describe('catalog stats: what the user gets wrong', () => {
  it('no mirror of the named catalog in staging: one message, exit code 2', async () => {
    const r = await starling(['catalog', 'stats', '--database', uniqueName('it_no_catalog')], noMongo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no mirror of the catalog .*starling seed catalog/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a configured MongoDB that is unreachable: one message naming it without the password, exit code 2', async () => {
    // Port 9 on the loopback: nothing listens (no MongoDB can run on this machine anyway).
    const r = await starling(['catalog', 'stats'], {
      STARLING_MONGODB_URL: 'mongodb://reader:s3cret-pw@127.0.0.1:9/',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'Cannot query MongoDB at mongodb://127.0.0.1:9/ (STARLING_MONGODB_URL), catalog.electronics',
    );
    expect(r.stderr).not.toContain('s3cret-pw');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
