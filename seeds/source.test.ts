import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEtlData, loadSoftcartData, resolveDataDir } from './source.js';

const empty = mkdtempSync(join(tmpdir(), 'starling-seed-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('resolveDataDir', () => {
  it('prefers the option, then the configured directory', () => {
    expect(resolveDataDir(empty, '/nowhere')).toBe(empty);
    expect(resolveDataDir(undefined, empty)).toBe(empty);
  });

  it('refuses a named directory that does not exist, naming where it came from', () => {
    expect(() => resolveDataDir('/no/such/dir', undefined)).toThrow(/--data-dir names \/no\/such\/dir/);
    expect(() => resolveDataDir(undefined, '/no/such/dir')).toThrow(/STARLING_SOFTCART_DIR/);
  });

  it('falls back to the generator when nothing is named and no shared folder exists', () => {
    expect(resolveDataDir(undefined, undefined, join(empty, 'clone'))).toBeUndefined();
  });
});

describe('loading', () => {
  it('lists every missing course file at once', () => {
    expect(() => loadSoftcartData(empty)).toThrow(/lacks oltpdata.csv, DimCountry.csv, catalog.json/);
    expect(() => loadEtlData(empty)).toThrow(/lacks sales.csv, sales.sql/);
  });

  it('generates data of the contract shapes without a directory', () => {
    const d = loadSoftcartData(undefined);
    expect(d.origin).toBe('built-in generator');
    expect(d.countries).toHaveLength(56);
    expect(d.catalog.at(-1)!.product_id).toBe(6037);
  });
});
