import { describe, expect, it } from 'vitest';
import { renderTables } from '../ddl/dialect-neutral.js';
import { postgresDialect } from '../ddl/postgres.js';
import { softcartModel } from '../softcart.js';
import { softcartV1 } from './fixtures.js';
import { canonicalJson, modelHash, modelTablePlan } from './model-record.js';

describe('the model record', () => {
  it('hashes the model, not the order of its object keys nor undefined fields', () => {
    const reordered = Object.fromEntries(Object.entries(structuredClone(softcartModel)).reverse());
    expect(modelHash(reordered as never)).toBe(modelHash(softcartModel));
    expect(modelHash({ ...softcartModel, extra: undefined } as never)).toBe(modelHash(softcartModel));
    expect(modelHash(softcartV1())).not.toBe(modelHash(softcartModel));
    expect(modelHash(softcartModel)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(canonicalJson(softcartModel))).toEqual(softcartModel);
  });

  it('is a small table in the star schema', () => {
    expect(renderTables([modelTablePlan()], postgresDialect, { schema: 's' })).toEqual([
      [
        'CREATE TABLE "s"."_starling_model" (',
        '  "version" INTEGER NOT NULL,',
        '  "hash" VARCHAR(64) NOT NULL,',
        '  "model" TEXT NOT NULL,',
        '  "applied_at" TIMESTAMP(6) NOT NULL,',
        '  "applied_by" VARCHAR(32) NOT NULL,',
        '  PRIMARY KEY ("version")',
        ')',
      ].join('\n'),
    ]);
  });
});
