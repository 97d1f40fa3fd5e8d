import { describe, expect, it } from 'vitest';
import { pairCanon } from './canonical.js';
import { type SideSpec, TableSide } from './table-side.js';

/** The SQL a side sends, captured by a fake runner (the live behaviour is tests/ops/reconcile.test.ts). */
function capture(spec: SideSpec, result: unknown[][] = [[3, '42']]) {
  const sent: Array<{ sql: string; params: unknown[] }> = [];
  const side = new TableSide(spec, async (sql, params) => {
    sent.push({ sql, params });
    return result;
  });
  return { side, sent };
}

const myComposite: SideSpec = {
  dialect: 'mariadb',
  table: '`db`.`t`',
  key: [
    { sql: '`a`', canon: { kind: 'integer' } },
    { sql: '`b`', canon: { kind: 'text' } },
  ],
  columns: [{ sql: '`v`', canon: { kind: 'decimal', scale: 2 } }],
};

const pgComposite: SideSpec = {
  dialect: 'postgres',
  table: '"db"."t"',
  key: [
    { sql: '"a"', canon: { kind: 'integer' }, pgType: 'integer' },
    { sql: '"b"', canon: { kind: 'text' } },
  ],
  columns: [{ sql: '"v"', canon: { kind: 'decimal', scale: 2 } }],
};

describe('TableSide SQL', () => {
  it('MariaDB: spells out a full-key lower bound and a prefix upper bound, parameters in text order', async () => {
    const { side, sent } = capture(myComposite);
    const sum = await side.checksum({ lo: ['5', 'k'], hi: ['9'] });
    expect(sum).toEqual({ count: 3, sum: '42' });
    const { sql, params } = sent[0]!;
    expect(sql).toContain(
      'WHERE `a` >= CAST(? AS SIGNED) AND (`a` > CAST(? AS SIGNED) OR (`a` = CAST(? AS SIGNED) AND CAST(CONVERT(`b` USING utf8mb4) AS BINARY) >= CAST(CONVERT(? USING utf8mb4) AS BINARY))) AND `a` < CAST(? AS SIGNED)',
    );
    expect(params).toEqual(['5', '5', '5', 'k', '9']);
    expect(sql).toMatch(/^SELECT COUNT\(\*\), CAST\(COALESCE\(SUM\(CAST\(CONV\(LEFT\(MD5\(CONCAT_WS\('\|', /);
  });

  it('MariaDB: a full-key upper bound is exclusive on the last column only', () => {
    const { side } = capture(myComposite);
    const params: unknown[] = [];
    expect(side.where({ lo: null, hi: ['9', 'z'] }, params)).toBe(
      '`a` <= CAST(? AS SIGNED) AND (`a` < CAST(? AS SIGNED) OR (`a` = CAST(? AS SIGNED) AND CAST(CONVERT(`b` USING utf8mb4) AS BINARY) < CAST(CONVERT(? USING utf8mb4) AS BINARY)))',
    );
    expect(params).toEqual(['9', '9', '9', 'z']);
  });

  it('PostgreSQL: row-value comparisons with numbered, typed parameters', () => {
    const { side } = capture(pgComposite);
    const params: unknown[] = [];
    expect(side.where({ lo: ['5', 'k'], hi: ['9'] }, params)).toBe(
      '("a", ("b")::text COLLATE "C") >= ($1::bigint, $2::text COLLATE "C") AND "a" < $3::bigint',
    );
    expect(params).toEqual(['5', 'k', '9']);
    expect(side.where({ lo: null, hi: null }, [])).toBe('1 = 1');
  });

  it('the row text holds the key and the compared columns, never anything else', () => {
    const { side } = capture(pgComposite);
    const { sql } = side.checksumSql({ lo: null, hi: null });
    expect(sql).toBe(
      `SELECT COUNT(*), coalesce(sum(('x' || left(md5(concat_ws('|', COALESCE(("a")::text, '~'), COALESCE(char_length(("b")::text)::text || ':' || ("b")::text, '~'), COALESCE(round(("v")::numeric, 2)::text, '~'))), 15))::bit(60)::bigint), 0)::text FROM "db"."t" WHERE 1 = 1`,
    );
  });

  it('samples boundaries with a window function and the step as the last parameter', async () => {
    const { side, sent } = capture(pgComposite, [
      ['3', 'x'],
      ['7', 'y'],
    ]);
    expect(await side.sample({ lo: ['1'], hi: null }, 100)).toEqual([
      ['3', 'x'],
      ['7', 'y'],
    ]);
    expect(sent[0]!.sql).toContain(
      'ROW_NUMBER() OVER (ORDER BY "a", ("b")::text COLLATE "C") AS rn FROM "db"."t" WHERE "a" >= $1::bigint) s WHERE rn > 1 AND (rn - 1) % $2::bigint = 0 ORDER BY rn',
    );
    expect(sent[0]!.params).toEqual(['1', 100]);
  });

  it('fetches rows as key and value texts', async () => {
    const { side, sent } = capture(myComposite, [
      ['1', 'a', '2.50'],
      ['1', 'b', null],
    ]);
    expect(await side.rows({ lo: ['1'], hi: ['2'] })).toEqual([
      { key: ['1', 'a'], values: ['2.50'] },
      { key: ['1', 'b'], values: [null] },
    ]);
    expect(sent[0]!.sql).toMatch(/ORDER BY `a`, CAST\(CONVERT\(`b` USING utf8mb4\) AS BINARY\)$/);
  });

  it('an unsigned BIGINT staged as numeric is bounded as numeric', () => {
    const canon = pairCanon(
      { name: 'id', dataType: 'bigint', columnType: 'bigint(20) unsigned', scale: 0 },
      'numeric',
    );
    expect(canon).toEqual({ kind: 'integer', unsigned: true });
    if ('skip' in canon) throw new Error('unexpected');
    const pgSide = new TableSide(
      { dialect: 'postgres', table: 't', key: [{ sql: '"id"', canon, pgType: 'numeric' }], columns: [] },
      async () => [],
    );
    expect(pgSide.where({ lo: ['18446744073709551615'], hi: null }, [])).toBe('"id" >= $1::numeric');
    const mySide = new TableSide(
      { dialect: 'mariadb', table: 't', key: [{ sql: '`id`', canon }], columns: [] },
      async () => [],
    );
    expect(mySide.where({ lo: ['18446744073709551615'], hi: null }, [])).toBe('`id` >= CAST(? AS UNSIGNED)');
  });
});
