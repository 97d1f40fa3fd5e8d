import { describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog.js';
import { parseCountryCsv, parseEtlCsv, parseOltpCsv } from './csv.js';
import { parseSalesDump } from './sql-dump.js';

describe('parseOltpCsv', () => {
  it('reads headerless rows, the last without a newline', () => {
    const rows = parseOltpCsv('6739,76305,230,1,2020-09-05 16:20:03\n7460,81008,1455,4,2020-09-05 16:20:04');
    expect(rows).toEqual([
      { productId: 6739, customerId: 76305, price: '230', quantity: 1, timestamp: '2020-09-05 16:20:03' },
      { productId: 7460, customerId: 81008, price: '1455', quantity: 4, timestamp: '2020-09-05 16:20:04' },
    ]);
  });

  it('reports every bad line with its number', () => {
    expect(() => parseOltpCsv('1,2,3,4,2020-01-01 00:00:00\nx,2,3,4\n1,2,3.456,4,yesterday')).toThrow(
      /5 problems[\s\S]*line 2: expected 5 fields[\s\S]*product_id "x"[\s\S]*line 3: price "3.456"/,
    );
  });
});

describe('parseEtlCsv', () => {
  it('trims the spaces of the header and the leading space of timestamps', () => {
    const text =
      'rowid, product_id, customer_id, price, quantity,timestamp\n104,8972,58516,4277,5, 2017-11-22 03:53:23\n';
    expect(parseEtlCsv(text)).toEqual([
      {
        rowid: 104,
        productId: 8972,
        customerId: 58516,
        price: '4277',
        quantity: 5,
        timestamp: '2017-11-22 03:53:23',
      },
    ]);
  });

  it('refuses another header', () => {
    expect(() => parseEtlCsv('a,b\n1,2')).toThrow(/unexpected header/);
  });
});

describe('parseCountryCsv', () => {
  it('strips the byte-order mark and orders by countryid', () => {
    expect(parseCountryCsv('\uFEFFcountryid,country\n2,Beta\n1,Alpha\n')).toEqual(['Alpha', 'Beta']);
  });
});

describe('parseSalesDump', () => {
  const dump = [
    '-- phpMyAdmin SQL Dump',
    'CREATE TABLE `sales_data` (`rowid` int NOT NULL, `quantity` int NOT NULL);',
    'INSERT INTO `sales_data` (`rowid`, `product_id`, `customer_id`, `quantity`) VALUES',
    '(104, 8972, 58516,  5),',
    '(105, 7905, 59794,  2);',
    'INSERT INTO `sales_data` (`rowid`, `product_id`, `customer_id`, `quantity`) VALUES',
    '(106, 6295, 86874,  2);',
    'ALTER TABLE `sales_data` ADD PRIMARY KEY (`rowid`);',
    'COMMIT;',
  ].join('\n');

  it('reads every tuple of every INSERT', () => {
    expect(parseSalesDump(dump)).toEqual([
      { rowid: 104, productId: 8972, customerId: 58516, quantity: 5 },
      { rowid: 105, productId: 7905, customerId: 59794, quantity: 2 },
      { rowid: 106, productId: 6295, customerId: 86874, quantity: 2 },
    ]);
  });

  it('reports other columns, bad tuples, and a dump without inserts', () => {
    expect(() => parseSalesDump('INSERT INTO `sales_data` (`a`, `b`) VALUES\n(1, 2);')).toThrow(
      /line 1: INSERT columns are \(a, b\)/,
    );
    expect(() =>
      parseSalesDump(
        'INSERT INTO `sales_data` (`rowid`, `product_id`, `customer_id`, `quantity`) VALUES\n(1, 2);',
      ),
    ).toThrow(/line 2: expected 4 values/);
    expect(() => parseSalesDump('COMMIT;')).toThrow(/no INSERT INTO sales_data/);
  });
});

describe('parseCatalog', () => {
  it('gives line i product id 5600 + i and keeps fields with spaces', () => {
    const docs = parseCatalog(
      '{"type": "smart phone", "model": "platina", "screen size": 5.5}\n{"type": "laptop", "model": "x", "screen size": 15, "ram": "8GB", "hard disk": "1TB"}\n',
    );
    expect(docs.map((d) => d.product_id)).toEqual([5600, 5601]);
    expect(docs[0]!['screen size']).toBe(5.5);
    expect(docs[1]!['hard disk']).toBe('1TB');
  });

  it('reports lines that are not JSON objects', () => {
    expect(() => parseCatalog('{"type":"laptop","model":"a"}\nnope\n[1]')).toThrow(
      /line 2: not JSON[\s\S]*line 3/,
    );
  });
});
