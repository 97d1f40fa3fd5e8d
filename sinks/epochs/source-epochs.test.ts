import { describe, expect, it } from 'vitest';
import type { Logger } from '../../core/log/logger.js';
import type { ChangeEvent } from '../envelope/types.js';
import type { EpochStart, HighWater } from './detect.js';
import { clearEpochReports } from './report.js';
import { SourceEpochs } from './source-epochs.js';
import type { StoredEpochs } from './store.js';

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quiet,
};

/** An in-memory store with what SourceEpochs saved, in order. */
function memoryStore() {
  const saved: Array<{ starts: EpochStart[]; high: HighWater }> = [];
  return {
    saved,
    connect: async () => undefined,
    close: async () => undefined,
    load: async (): Promise<StoredEpochs> => ({
      starts: saved.flatMap((s) => s.starts),
      highs: new Map(saved.length ? [['t\u00000', saved.at(-1)!.high]] : []),
    }),
    save: async (starts: readonly EpochStart[], highs: ReadonlyArray<{ high: HighWater }>) => {
      saved.push({ starts: [...starts], high: highs[0]!.high });
    },
  };
}

const pos = (seq: number, p: number, offset: number) =>
  `b:${String(seq).padStart(10, '0')}:${String(p).padStart(20, '0')}:000000:${String(offset).padStart(20, '0')}`;
const change = (offset: number, seq: number, p: number, s: number, op: 'c' | 'r' = 'c') => ({
  offset: String(offset),
  event: {
    position: pos(seq, p, offset),
    sourceTsMs: s * 1000,
    op,
    table: { namespace: 'db', name: 't' },
  } as ChangeEvent,
});

describe('SourceEpochs (batch turns and persistence)', () => {
  it('assigns epochs in the order batches arrived even when a later batch is decoded first', async () => {
    clearEpochReports();
    const store = memoryStore();
    const epochs = new SourceEpochs(undefined, { prefix: 'p', group: 'g', log: quiet, store });
    const first = epochs.turn('t', 0);
    const second = epochs.turn('t', 0);
    const a = [change(0, 1, 500, 10), change(1, 1, 4, 20, 'r')]; // the restart is in the first batch
    const b = [change(2, 1, 9, 21), change(3, 1, 12, 22)];
    const late = second.assign('2', b); // decoded first: must wait for the first batch's turn
    const persistA = await first.assign('0', a);
    const persistB = await late;
    expect(a.map((c) => c.event.position.slice(0, 8))).toEqual(['b:000000', 'e:000001']);
    expect(b.map((c) => c.event.position.slice(0, 8))).toEqual(['e:000001', 'e:000001']);
    await persistA();
    await persistB();
    expect(store.saved.map((s) => [s.starts.map((x) => x.startOffset), s.high.offset])).toEqual([
      [[1n], 1n],
      [[], 3n],
    ]);
  });

  it('a redelivery after a restart of the stage gets the same epochs from the store', async () => {
    const store = memoryStore();
    const one = new SourceEpochs(undefined, { prefix: 'p', group: 'g', log: quiet, store });
    const batch = () => [change(0, 1, 500, 10), change(1, 1, 4, 20, 'r'), change(2, 1, 9, 21)];
    const first = batch();
    await (await one.turn('t', 0).assign('0', first))();
    const two = new SourceEpochs(undefined, { prefix: 'p', group: 'g', log: quiet, store });
    const again = batch();
    await two.turn('t', 0).assign('0', again);
    expect(again.map((c) => c.event.position)).toEqual(first.map((c) => c.event.position));
  });

  it('a cancelled turn lets the next batch go on', async () => {
    const epochs = new SourceEpochs(undefined, { prefix: 'p', group: 'g', log: quiet, store: memoryStore() });
    epochs.turn('t', 0).cancel();
    const next = [change(0, 1, 5, 1)];
    await epochs.turn('t', 0).assign('0', next);
    expect(next[0]!.event.position).toBe(pos(1, 5, 0));
  });
});
