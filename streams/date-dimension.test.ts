import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../seeds/source.js';
import { dateKey, dateRange, dateRow } from './date-dimension.js';

describe('dateRow', () => {
  it('computes every column for a known day', () => {
    expect(dateRow('2019-03-31')).toEqual({
      dateid: 20190331,
      date: '2019-03-31',
      year: 2019,
      quarter: 1,
      quartername: 'Q1',
      month: 3,
      monthname: 'March',
      day: 31,
      weekday: 1,
      weekdayname: 'Sunday',
    });
  });

  it('reads zone-less timestamps as UTC wall time and converts zoned ones to UTC', () => {
    expect(dateKey('2020-09-05 23:59:59')).toBe(20200905);
    expect(dateKey('2020-09-05T23:59:59.123456')).toBe(20200905);
    expect(dateKey('2020-09-05T23:30:00-02:00')).toBe(20200906);
    expect(dateKey('2020-09-06T00:30:00+02:00')).toBe(20200905);
    expect(dateKey(new Date(Date.UTC(2021, 11, 31, 23, 59, 59, 999)))).toBe(20211231);
    expect(dateKey(Date.UTC(2020, 1, 29))).toBe(20200229);
  });

  it('knows leap days and Saturdays, and rejects impossible dates', () => {
    expect(dateRow('2020-02-29')).toMatchObject({ weekday: 7, weekdayname: 'Saturday', quarter: 1 });
    expect(() => dateRow('2019-02-29')).toThrow(RangeError);
    expect(() => dateRow('2019-13-01')).toThrow(RangeError);
    expect(() => dateRow('yesterday')).toThrow(RangeError);
  });

  it('puts each quarter-end day in its own quarter', () => {
    for (const [d, q] of [
      ['2019-03-31', 1],
      ['2019-04-01', 2],
      ['2019-06-30', 2],
      ['2019-09-30', 3],
      ['2019-12-31', 4],
    ] as const)
      expect(dateRow(d).quarter, d).toBe(q);
  });

  it('dateRange covers both ends', () => {
    const days = dateRange('2019-01-01', '2021-12-31');
    expect(days).toHaveLength(1096);
    expect(days[0]!.dateid).toBe(20190101);
    expect(days.at(-1)!.dateid).toBe(20211231);
  });
});

// The course's DimDate.csv lives beside the clone (never copied into the repo); without it the test is skipped.
const dir = resolveDataDir(undefined, process.env.STARLING_SOFTCART_DIR);
const file = dir === undefined ? undefined : join(dir, 'DimDate.csv');
const present = file !== undefined && existsSync(file);

describe.skipIf(!present)(
  `the course's DimDate.csv (${present ? file : 'skipped: DimDate.csv not found beside the clone or in STARLING_SOFTCART_DIR'})`,
  () => {
    it('matches every column of all 1,096 days except the 12 defective quarter-end quarters', () => {
      const lines = readFileSync(file!, 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)
        .filter(Boolean);
      expect(lines[0]).toBe('dateid,date,Year,Quarter,QuarterName,Month,Monthname,Day,Weekday,WeekdayName');
      const rows = lines.slice(1).map((l) => l.split(','));
      expect(rows).toHaveLength(1096);
      const defective: string[] = [];
      rows.forEach(
        ([serial, date, year, quarter, quartername, month, monthname, day, weekday, weekdayname], i) => {
          const ours = dateRow(date!);
          // The file's dateid is a serial number (1 = 2019-01-01); ours is yyyymmdd. Both identify the same day.
          expect(Number(serial), date).toBe(i + 1);
          expect(ours.dateid, date).toBe(Number(date!.replaceAll('-', '')));
          expect(ours.date).toBe(date);
          expect(ours.year, date).toBe(Number(year));
          expect(ours.month, date).toBe(Number(month));
          expect(ours.monthname, date).toBe(monthname);
          expect(ours.day, date).toBe(Number(day));
          expect(ours.weekday, date).toBe(Number(weekday));
          expect(ours.weekdayname, date).toBe(weekdayname);
          const quarterEnd = /-(03-31|06-30|09-30|12-31)$/.test(date!);
          if (quarterEnd) {
            defective.push(date!);
            // The file carries the next quarter here; ours is the day's own quarter.
            expect(Number(quarter), date).toBe((ours.quarter % 4) + 1);
            expect(ours.quarter, date).toBe(Number(month) / 3);
            expect(ours.quartername, date).toBe(`Q${Number(month) / 3}`);
          } else {
            expect(ours.quarter, date).toBe(Number(quarter));
            expect(ours.quartername, date).toBe(quartername);
          }
        },
      );
      expect(defective).toHaveLength(12);
      expect(dateRow('2019-03-31').quartername).toBe('Q1');
    });
  },
);
