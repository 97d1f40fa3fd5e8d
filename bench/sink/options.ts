import { parseArgs } from 'node:util';

export const USAGE = `usage: npx tsx bench/sink.ts [--events N] [--sweep-events N] [--batch-sizes A,B,...] [--rounds R]
                            [--seed K] [--keys K] [--skip-jdbc] [--skip-raw] [--profile DIR]
  --events N        Kafka records in the full-size topic: change events (about 80% inserts, 15% updates,
                    5% deletes, each delete followed by its tombstone) plus 2 sentinel events (default 1000000)
  --sweep-events N  records in the topic the JDBC sink's settings are swept on (default 100000)
  --batch-sizes L   the JDBC sink's batch.size values to sweep, each with use.reduction.buffer true and false
                    (default 500,1000,2000,5000,10000); then the best one with the PostgreSQL
                    driver's reWriteBatchedInserts, and with dialect.postgres.unnest.insert.enabled
  --rounds R        full-size rounds; round i runs the raw baselines, then staging, JDBC, COPY when i is odd,
                    COPY, JDBC, staging when even (default 1)
  --seed K          generator seed: the same seed gives the same changes (keys, operations, values;
                    times follow the clock) (default 42)
  --keys K          key space: rowid 1..K (default: --events); rowid K+1 is the sentinel's
  --skip-jdbc       run staging and COPY only (and the raw baselines unless --skip-raw)
  --skip-raw        leave out the raw-consume baselines that open each round on the full-size topic: a bare
                    kafkajs consumer in its own process (no decoding, no database) and Kafka's Java
                    ConsumerPerformance tool from the stack's jars; the table gives staging / raw kafkajs and
                    raw kafkajs / raw Java
  --profile DIR     write a V8 CPU profile of the staging sink process into DIR (Chrome DevTools)
  --help            this text`;

export interface SinkBenchOptions {
  events: number;
  sweepEvents: number;
  batchSizes: number[];
  rounds: number;
  seed: number;
  keys: number;
  skipJdbc: boolean;
  skipRaw: boolean;
  profileDir?: string;
}

/** Parses and validates the command line; every problem is reported at once. */
export function parseOptions(args: string[]): SinkBenchOptions | { help: true } | { problems: string[] } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        events: { type: 'string', default: '1000000' },
        'sweep-events': { type: 'string', default: '100000' },
        'batch-sizes': { type: 'string', default: '500,1000,2000,5000,10000' },
        rounds: { type: 'string', default: '1' },
        seed: { type: 'string', default: '42' },
        keys: { type: 'string' },
        'skip-jdbc': { type: 'boolean', default: false },
        'skip-raw': { type: 'boolean', default: false },
        profile: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    return { problems: [(e as Error).message] };
  }
  if (values.help) return { help: true };
  const problems: string[] = [];
  const int = (name: string, min: number, max = 100_000_000): number => {
    const text = String(values[name]);
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`--${name} "${text}" must be a whole number from ${min} to ${max}`);
      return min;
    }
    return n;
  };
  const events = int('events', 1000);
  const sweepEvents = int('sweep-events', 1000);
  const rounds = int('rounds', 1, 20);
  const seed = int('seed', 0, 2 ** 32 - 1);
  const keys = values.keys === undefined ? events : int('keys', 10, 2 ** 31 - 2);
  const batchSizes: number[] = [];
  for (const part of String(values['batch-sizes']).split(',')) {
    const n = Number(part.trim());
    if (!/^\d+$/.test(part.trim()) || n < 1 || n > 100_000)
      problems.push(`--batch-sizes: "${part}" is not a whole number from 1 to 100000`);
    else if (!batchSizes.includes(n)) batchSizes.push(n);
  }
  if (batchSizes.length === 0) problems.push('--batch-sizes: give at least one size');
  if (problems.length) return { problems };
  return {
    events,
    sweepEvents,
    batchSizes,
    rounds,
    seed,
    keys,
    skipJdbc: Boolean(values['skip-jdbc']),
    skipRaw: Boolean(values['skip-raw']),
    ...(typeof values.profile === 'string' ? { profileDir: values.profile } : {}),
  };
}
