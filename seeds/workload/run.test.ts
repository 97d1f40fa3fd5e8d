import { describe, expect, it } from 'vitest';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import type { Change } from './change.js';
import { parseMix } from './mix.js';
import { runWorkload, transactionsOf } from './run.js';

const sale = (rowid: number): Change => ({
  kind: 'insert',
  op: 'insert',
  table: 'sales_data',
  key: { rowid },
  values: {},
});
const product = (id: number): Change => ({
  kind: 'late',
  op: 'insert',
  table: 'electronics',
  key: { product_id: id },
  values: { type: 'laptop' },
});

describe('transactionsOf', () => {
  it('keeps SQL runs together and commits each catalog change alone, in planned order', () => {
    const batch = [sale(1), sale(2), product(6038), product(6039), sale(3)];
    expect(transactionsOf(batch)).toEqual([[sale(1), sale(2)], [product(6038)], [product(6039)], [sale(3)]]);
    expect(transactionsOf([sale(1), sale(2)])).toEqual([[sale(1), sale(2)]]);
  });
});

describe('runWorkload', () => {
  it('refuses catalog changes without a catalog target, before touching any database', async () => {
    const run = runWorkload({
      config: {} as StarlingConfig,
      rate: 10,
      durationS: 1,
      mix: parseMix('insert=1,category=1'),
    });
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/no catalog target/);
  });

  it('refuses concurrent sessions where commit order matters (a log file), before touching any database', async () => {
    const run = runWorkload({
      config: {} as StarlingConfig,
      rate: 10,
      durationS: 1,
      connections: 4,
      logFile: '/nonexistent/log',
    });
    await expect(run).rejects.toThrow(/commit in no fixed order/);
  });
});
