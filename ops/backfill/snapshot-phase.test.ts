import { describe, expect, it } from 'vitest';
import { compareBinlog, phaseNote, snapshotPhase, snapshottingTables } from './snapshot-phase.js';

// Offsets as Kafka Connect 4.3 returned them for the Debezium MariaDB connector 3.5 (trimmed).
const before = {
  ts_sec: 1795665652,
  file: 'binlog.000013',
  pos: 6686893,
  gtids: '0-1-76070',
  snapshot: 'INITIAL',
};
const running = {
  incremental_snapshot_correlation_id: 'f08e196d-9cc2-48eb-b4f2-7dbff0268f67',
  file: 'binlog.000013',
  pos: 6690797,
  incremental_snapshot_collections:
    '[{"incremental_snapshot_collections_id":"shop.t","incremental_snapshot_collections_additional_condition":"(id > 2)","incremental_snapshot_collections_surrogate_key":null}]',
  snapshot: 'INCREMENTAL',
};
const after = {
  ts_sec: 1795665693,
  file: 'binlog.000013',
  pos: 6813607,
  gtids: '0-1-76269',
  row: 1,
  event: 2,
};
const signalAt = { file: 'binlog.000013', pos: 6687679 };

describe("the snapshot's phase from the connector's offset", () => {
  it('is not started before the offset reaches the signal, running while it names the table, then ended', () => {
    expect(snapshotPhase(undefined, 'shop.t', signalAt)).toBe('not-started');
    expect(snapshotPhase(before, 'shop.t', signalAt)).toBe('not-started');
    expect(snapshotPhase(running, 'shop.t', signalAt)).toBe('running');
    expect(snapshotPhase(after, 'shop.t', signalAt)).toBe('ended');
    expect(snapshotPhase({ ...after, pos: signalAt.pos }, 'shop.t', signalAt)).toBe('ended');
  });

  it("another table's snapshot past the signal means this one has ended", () => {
    expect(snapshotPhase(running, 'shop.other', signalAt)).toBe('ended');
    expect(snapshottingTables(running)).toEqual(['shop.t']);
    expect(snapshottingTables({ incremental_snapshot_collections: 'not json' })).toEqual([]);
  });

  it('orders binlog positions by file sequence, then position', () => {
    expect(
      compareBinlog({ file: 'binlog.000014', pos: 4 }, { file: 'binlog.000013', pos: 9_000_000 }),
    ).toBeGreaterThan(0);
    expect(compareBinlog({ file: 'binlog.000013', pos: 4 }, { file: 'binlog.000013', pos: 5 })).toBeLessThan(
      0,
    );
    expect(compareBinlog({ file: 'binlog.000099', pos: 4 }, { file: 'binlog.000100', pos: 4 })).toBeLessThan(
      0,
    );
  });
});

describe('what a timed-out backfill says about Debezium', () => {
  it('trusts rows read over a stale offset', () => {
    expect(phaseNote('not-started', 0)).toMatch(/^Debezium has not started the snapshot/);
    expect(phaseNote('not-started', 12)).toMatch(/^Debezium is still running the snapshot/);
    expect(phaseNote('running', 12)).toMatch(/^Debezium is still running the snapshot/);
    expect(phaseNote('ended', 12)).toMatch(/^Debezium has ended the snapshot/);
    expect(phaseNote('unknown', 0)).toMatch(/whether it started is unknown/);
  });
});
