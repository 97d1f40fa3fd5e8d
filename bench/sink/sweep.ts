import type { Measure } from './measure.js';
import type { SweepEntry } from './report.js';
import { type JdbcSetting, JdbcSinkFailed, settingText } from './run-jdbc.js';

export interface SweepInput {
  batchSizes: number[];
  records: number;
  /** The md5 of the sweep plan's final state: a setting that leaves another table cannot win. */
  expectedMd5: string;
  /** One JDBC sink run of the sweep topic into a fresh table. */
  run: (setting: JdbcSetting, table: string) => Promise<Measure>;
  step: (line: string) => void;
}

/**
 * The JDBC sink's fair chance: every batch.size with and without the reduction buffer, then the fastest
 * of those with the PostgreSQL driver's multi-row INSERTs and with Debezium's unnest writer. A setting
 * whose task FAILED is recorded with Connect's root cause; the fastest that left the right table wins.
 */
export async function sweepJdbc(i: SweepInput): Promise<{ sweep: SweepEntry[]; best: JdbcSetting }> {
  const sweep: SweepEntry[] = [];
  const attempt = async (setting: JdbcSetting): Promise<SweepEntry> => {
    i.step(`JDBC sweep: ${settingText(setting)} on ${i.records} records`);
    try {
      const m = await i.run(setting, `sweep_${sweep.length + 1}`);
      m.extra.matchesGenerator = m.digest?.md5 === i.expectedMd5;
      i.step(
        `  ${m.rate} events/s, ${m.wallS} s (first row ${m.firstRowS} s)${m.extra.matchesGenerator ? '' : ' TABLE DIFFERS FROM THE GENERATOR'}`,
      );
      return { setting, measure: m };
    } catch (e) {
      if (!(e instanceof JdbcSinkFailed)) throw e;
      i.step(`  FAILED: ${e.rootCause}`);
      return { setting, failed: e.rootCause };
    }
  };
  const fastest = () =>
    sweep
      .filter((e) => e.measure?.extra.matchesGenerator === true)
      .reduce<SweepEntry | undefined>((x, y) => (!x || y.measure!.rate > x.measure!.rate ? y : x), undefined);

  for (const batchSize of i.batchSizes)
    for (const reductionBuffer of [true, false]) sweep.push(await attempt({ batchSize, reductionBuffer }));
  const plain = fastest();
  if (plain) {
    sweep.push(await attempt({ ...plain.setting, rewriteBatchedInserts: true }));
    sweep.push(await attempt({ ...plain.setting, unnest: true }));
  }
  const top = fastest();
  if (!top) throw new Error("no JDBC sink setting left the generator's final state; see the sweep above");
  i.step(`JDBC best setting: ${settingText(top.setting)} (${top.measure!.rate} events/s)`);
  return { sweep, best: top.setting };
}
