import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPORT_REFRESH_MS,
  dropReportStatements,
  REPORT_REFRESH_ENV,
  REPORTS,
  refreshReportStatements,
  reportObjectNames,
  reportStatements,
} from './reports.js';

const rollup = (schema: string) =>
  [
    `CREATE VIEW ${schema}."report_sales_rollup" AS`,
    'SELECT',
    '  "d"."year" AS "year",',
    '  "co"."country" AS "country",',
    '  SUM("f"."amount") AS "total_sales",',
    '  GROUPING("d"."year") AS "grouping_year",',
    '  GROUPING("co"."country") AS "grouping_country"',
    `FROM ${schema}."FactSales" AS "f"`,
    `LEFT JOIN ${schema}."DimDate" AS "d" ON "d"."dateid" = "f"."dateid"`,
    `LEFT JOIN ${schema}."DimCountry" AS "co" ON "co"."countryid" = "f"."countryid"`,
    'GROUP BY ROLLUP ("d"."year", "co"."country")',
  ].join('\n');

const perCountrySelect = (schema: string) => [
  'SELECT',
  '  "f"."countryid" AS "countryid",',
  '  "co"."country" AS "country",',
  '  SUM("f"."amount") AS "total_sales"',
  `FROM ${schema}."FactSales" AS "f"`,
  `LEFT JOIN ${schema}."DimCountry" AS "co" ON "co"."countryid" = "f"."countryid"`,
  'GROUP BY "f"."countryid", "co"."country"',
];

describe('report objects of the SoftCart warehouse', () => {
  it('names four objects, views first', () => {
    expect(reportObjectNames()).toEqual([
      'report_sales_grouping_sets',
      'report_sales_rollup',
      'report_sales_cube',
      'total_sales_per_country',
    ]);
    expect(Object.values(REPORTS)).toEqual(reportObjectNames());
    expect(REPORT_REFRESH_ENV).toBe('STARLING_REPORT_REFRESH_MS');
    expect(DEFAULT_REPORT_REFRESH_MS).toBe(1000);
  });

  describe('PostgreSQL', () => {
    const statements = reportStatements('postgres', 'warehouse');

    it('creates the three views, the materialized view and its unique index, in that order', () => {
      expect(statements.map((s) => s.split('\n')[0])).toEqual([
        'CREATE VIEW "warehouse"."report_sales_grouping_sets" AS',
        'CREATE VIEW "warehouse"."report_sales_rollup" AS',
        'CREATE VIEW "warehouse"."report_sales_cube" AS',
        'CREATE MATERIALIZED VIEW "warehouse"."total_sales_per_country" AS',
        'CREATE UNIQUE INDEX "total_sales_per_country_countryid" ON "warehouse"."total_sales_per_country" ("countryid")',
      ]);
      for (const s of statements) expect(s).not.toMatch(/;\s*$/);
    });

    it('the grouping sets view: by country, by category, with the row’s grouping', () => {
      expect(statements[0]).toBe(
        [
          'CREATE VIEW "warehouse"."report_sales_grouping_sets" AS',
          'SELECT',
          '  "co"."country" AS "country",',
          '  "ca"."category" AS "category",',
          '  SUM("f"."amount") AS "total_sales",',
          `  CASE WHEN GROUPING("co"."country") = 0 THEN 'country' ELSE 'category' END AS "grouping_set"`,
          'FROM "warehouse"."FactSales" AS "f"',
          'LEFT JOIN "warehouse"."DimCountry" AS "co" ON "co"."countryid" = "f"."countryid"',
          'LEFT JOIN "warehouse"."DimCategory" AS "ca" ON "ca"."categoryid" = "f"."categoryid"',
          'GROUP BY GROUPING SETS (("co"."country"), ("ca"."category"))',
        ].join('\n'),
      );
    });

    it('the rollup view (exact text)', () => {
      expect(statements[1]).toBe(rollup('"warehouse"'));
    });

    it('the cube view averages the amount by CUBE (year, country)', () => {
      expect(statements[2]).toContain('  AVG("f"."amount") AS "average_sales",');
      expect(statements[2]).toContain('GROUP BY CUBE ("d"."year", "co"."country")');
    });

    it('the materialized view (exact text) and its concurrent refresh', () => {
      expect(statements[3]).toBe(
        [
          'CREATE MATERIALIZED VIEW "warehouse"."total_sales_per_country" AS',
          ...perCountrySelect('"warehouse"'),
          'WITH DATA',
        ].join('\n'),
      );
      expect(refreshReportStatements('postgres', 'warehouse')).toEqual([
        'REFRESH MATERIALIZED VIEW CONCURRENTLY "warehouse"."total_sales_per_country"',
      ]);
    });

    it('drops in reverse order', () => {
      expect(dropReportStatements('postgres', 'warehouse')).toEqual([
        'DROP MATERIALIZED VIEW "warehouse"."total_sales_per_country"',
        'DROP VIEW "warehouse"."report_sales_cube"',
        'DROP VIEW "warehouse"."report_sales_rollup"',
        'DROP VIEW "warehouse"."report_sales_grouping_sets"',
      ]);
    });
  });

  describe('Db2', () => {
    const statements = reportStatements('db2', 'WAREHOUSE');

    it('has the same views as PostgreSQL', () => {
      expect(statements.slice(0, 3)).toEqual(reportStatements('postgres', 'WAREHOUSE').slice(0, 3));
      expect(statements[1]).toBe(rollup('"WAREHOUSE"'));
    });

    it('the materialized query table (exact text), populated at creation by REFRESH TABLE', () => {
      expect(statements).toHaveLength(5);
      expect(statements[3]).toBe(
        [
          'CREATE TABLE "WAREHOUSE"."total_sales_per_country" AS (',
          ...perCountrySelect('"WAREHOUSE"'),
          ') DATA INITIALLY DEFERRED REFRESH DEFERRED',
        ].join('\n'),
      );
      const refresh = 'REFRESH TABLE "WAREHOUSE"."total_sales_per_country" ALLOW READ ACCESS NOT INCREMENTAL';
      expect(statements[4]).toBe(refresh);
      expect(refreshReportStatements('db2', 'WAREHOUSE')).toEqual([refresh]);
      expect(statements.join('\n')).not.toContain('MATERIALIZED VIEW');
    });

    it('drops the MQT with DROP TABLE', () => {
      expect(dropReportStatements('db2', 'WAREHOUSE')[0]).toBe(
        'DROP TABLE "WAREHOUSE"."total_sales_per_country"',
      );
    });
  });

  describe('a hostile schema name is quoted, never interpreted', () => {
    const hostile = 'x"; DROP TABLE "FactSales"; --';
    const quoted = '"x""; DROP TABLE ""FactSales""; --"';

    for (const dialect of ['postgres', 'db2'] as const)
      it(dialect, () => {
        const all = [
          ...reportStatements(dialect, hostile),
          ...refreshReportStatements(dialect, hostile),
          ...dropReportStatements(dialect, hostile),
        ];
        expect(all[1]).toBe(rollup(quoted));
        for (const s of all) {
          // Every occurrence of the schema is the quoted form, with its inner quotes doubled.
          expect(s.split(quoted).join('')).not.toContain('x"');
        }
        expect(all.filter((s) => s.includes(`${quoted}."FactSales"`))).toHaveLength(4);
        expect(refreshReportStatements(dialect, hostile)[0]).toContain(`${quoted}."total_sales_per_country"`);
      });

    it('an empty schema name is refused', () => {
      expect(() => reportStatements('postgres', '')).toThrow(RangeError);
    });
  });
});
