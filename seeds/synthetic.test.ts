import { describe, expect, it } from 'vitest';
import { addSeconds, generateCatalog, generateEtlDump, generateEtlLoad, generateOltp } from './synthetic.js';

describe('the built-in SoftCart-shaped generator', () => {
  it('is deterministic', () => {
    expect(generateOltp()).toEqual(generateOltp());
    expect(generateCatalog()).toEqual(generateCatalog());
  });

  it('gives oltp rows of the course shape', () => {
    const rows = generateOltp();
    expect(rows).toHaveLength(2605);
    expect(rows[0]!.timestamp).toBe('2020-09-05 16:20:03');
    expect(rows.at(-1)!.timestamp).toBe('2020-09-05 17:03:27');
    for (const r of rows) {
      expect(r.productId).toBeGreaterThanOrEqual(5600);
      expect(r.productId).toBeLessThanOrEqual(9000);
      expect(Number(r.price)).toBeGreaterThanOrEqual(57);
      expect(Number(r.price)).toBeLessThanOrEqual(4993);
      expect(r.quantity).toBeGreaterThanOrEqual(1);
      expect(r.quantity).toBeLessThanOrEqual(5);
    }
  });

  it('gives ETL rows with the course rowid ranges', () => {
    const load = generateEtlLoad();
    const dump = generateEtlDump();
    expect(load).toHaveLength(12186);
    expect(load.at(-1)!.rowid).toBe(12289);
    expect(dump).toHaveLength(13836);
    expect(dump.at(-1)!.rowid).toBe(13939);
    expect(dump[5]!.customerId).toBe(load[5]!.customerId);
  });

  it('gives 438 catalog documents of the three types', () => {
    const docs = generateCatalog();
    expect(docs).toHaveLength(438);
    expect(new Set(docs.map((d) => d.type))).toEqual(new Set(['laptop', 'smart phone', 'television']));
    for (const d of docs.filter((x) => x.type === 'laptop')) expect(d).toHaveProperty('hard disk');
  });

  it('adds seconds across a day boundary in UTC', () => {
    expect(addSeconds('2020-12-31 23:59:59', 2)).toBe('2021-01-01 00:00:01');
  });
});
