import { describe, expect, it } from 'vitest';
import { categoriesQuery, chartsQuery, perCountryQuery, reportsQuery, yearsQuery } from './queries.js';

// The dashboard's SQL as text: names from the model, quoted (a schema with a double quote stays one
// identifier), values only as parameters.
const schema = 'soft"cart';
const s = '"soft""cart"';

describe('sales dashboard queries', () => {
  it('years with facts: a semi-join of the date dimension with the facts; the categories', () => {
    const q = yearsQuery(schema);
    expect(q.text).toBe(
      [
        'SELECT DISTINCT "d"."year" AS "year"',
        `FROM ${s}."DimDate" AS "d"`,
        `WHERE EXISTS (SELECT 1 FROM ${s}."FactSales" AS "f" WHERE "f"."dateid" = "d"."dateid")`,
        'ORDER BY 1',
      ].join('\n'),
    );
    expect(q.values).toEqual([]);
    expect(categoriesQuery(schema)).toEqual({
      text: `SELECT DISTINCT "ca"."category" AS "category"\nFROM ${s}."DimCategory" AS "ca"\nORDER BY 1`,
      values: [],
    });
  });

  it('the charts of a year: one grouping by month, quarter and category, the year as $1', () => {
    const q = chartsQuery(schema, 2020);
    expect(q.values).toEqual([2020]);
    expect(q.text).toBe(
      [
        'SELECT "d"."month" AS "month", "d"."quarter" AS "quarter", "ca"."category" AS "category",',
        '  SUM("f"."amount") AS "total_sales"',
        `FROM ${s}."FactSales" AS "f"`,
        `LEFT JOIN ${s}."DimDate" AS "d" ON "d"."dateid" = "f"."dateid"`,
        `LEFT JOIN ${s}."DimCategory" AS "ca" ON "ca"."categoryid" = "f"."categoryid"`,
        'WHERE "d"."year" = $1',
        'GROUP BY "d"."month", "d"."quarter", "ca"."category"',
      ].join('\n'),
    );
  });

  it('the reports: every grouping of the three views in one GROUPING SETS over per-key sums, the category as $1', () => {
    const all = reportsQuery(schema, null);
    expect(all.values).toEqual([]);
    expect(all.text).toBe(
      [
        'SELECT "g"."year" AS "year", "co"."country" AS "country", "ca"."category" AS "category",',
        '  SUM("g"."s") AS "total_sales", SUM("g"."s") / NULLIF(SUM("g"."n"), 0) AS "average_sales",',
        '  GROUPING("g"."year") AS "grouping_year", GROUPING("co"."country") AS "grouping_country", GROUPING("ca"."category") AS "grouping_category"',
        'FROM (',
        '  SELECT "d"."year" AS "year", "f"."countryid", "f"."categoryid",',
        '    SUM("f"."amount") AS "s", COUNT("f"."amount") AS "n"',
        `  FROM ${s}."FactSales" AS "f"`,
        `  LEFT JOIN ${s}."DimDate" AS "d" ON "d"."dateid" = "f"."dateid"`,
        '  GROUP BY "d"."year", "f"."countryid", "f"."categoryid"',
        ') AS "g"',
        `LEFT JOIN ${s}."DimCountry" AS "co" ON "co"."countryid" = "g"."countryid"`,
        `LEFT JOIN ${s}."DimCategory" AS "ca" ON "ca"."categoryid" = "g"."categoryid"`,
        'GROUP BY GROUPING SETS (("co"."country"), ("ca"."category"), ("g"."year", "co"."country"), ("g"."year"), ())',
      ].join('\n'),
    );
    const one = reportsQuery(schema, "it's; DROP");
    expect(one.values).toEqual(["it's; DROP"]);
    expect(one.text).toContain(
      `  WHERE "f"."categoryid" IN (SELECT "ca"."categoryid" FROM ${s}."DimCategory" AS "ca" WHERE "ca"."category" = $1)\n  GROUP BY`,
    );
    expect(one.text).not.toContain('DROP');
  });

  it('total sales per country: the materialized report', () => {
    expect(perCountryQuery(schema)).toEqual({
      text: `SELECT "country", "total_sales"\nFROM ${s}."total_sales_per_country"\nORDER BY "total_sales" DESC NULLS LAST, "country" NULLS LAST`,
      values: [],
    });
  });
});
