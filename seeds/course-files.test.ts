import { describe, expect, it } from 'vitest';
import { loadEtlData, loadSoftcartData, resolveDataDir } from './source.js';

// The course files are a folder beside the clone here and in CI, not part of a user's clone.
const dir = resolveDataDir(undefined, process.env.STARLING_SOFTCART_DIR);

describe.skipIf(dir === undefined)(
  'the course files parse to their documented facts (needs the course files; skipped when absent)',
  () => {
    it('oltpdata.csv, DimCountry.csv and catalog.json', () => {
      const d = loadSoftcartData(dir);
      expect(d.oltp).toHaveLength(2605);
      expect(new Set(d.oltp.map((r) => r.productId)).size).toBe(1534);
      expect(d.oltp.at(-1)!.timestamp).toBe('2020-09-05 17:03:27');
      expect(d.countries).toHaveLength(56);
      expect(d.countries[0]!.charCodeAt(0)).not.toBe(0xfeff);
      expect(d.catalog).toHaveLength(438);
      expect(d.catalog.at(-1)!.product_id).toBe(6037);
    });

    it('sales.csv and sales.sql', () => {
      const e = loadEtlData(dir);
      expect(e.load).toHaveLength(12186);
      expect(e.load.at(-1)!.rowid).toBe(12289);
      expect(e.dump).toHaveLength(13836);
      expect(e.dump.at(-1)!.rowid).toBe(13939);
      expect(e.dump.filter((r) => r.rowid > 12289)).toHaveLength(1650);
    });
  },
);
