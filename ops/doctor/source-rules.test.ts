import { describe, expect, it } from 'vitest';
import type { SourceFacts } from './source-facts.js';
import {
  binlogCompressionRule,
  binlogFormatRule,
  binlogRetentionMs,
  binlogRetentionRule,
  binlogRowImageRule,
  binlogRowMetadataRule,
  databaseRules,
  flavourOf,
  flavourRule,
  grantRules,
  gtidRule,
  logBinRule,
  primaryKeyRule,
  serverIdRule,
  signalTableRules,
  sourceRules,
} from './source-rules.js';

/** The local stack's MariaDB as the capture user sees it: every rule passes. */
function mariadb(over: Partial<SourceFacts> = {}): SourceFacts {
  return {
    address: '127.0.0.1:13306',
    account: { user: 'starling_cdc', host: '127.0.0.1' },
    version: '10.11.19-MariaDB-0+deb12u1-log',
    variables: {
      log_bin: 'ON',
      binlog_format: 'ROW',
      binlog_row_image: 'FULL',
      binlog_row_metadata: 'NO_LOG',
      server_id: '1',
      binlog_expire_logs_seconds: '604800',
      expire_logs_days: '7.000000',
      gtid_strict_mode: 'OFF',
      gtid_domain_id: '0',
      log_bin_compress: 'OFF',
    },
    grants: [
      "GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `starling_cdc`@`127.0.0.1` IDENTIFIED BY PASSWORD '*5611F68BEEF98C7BAC690017991329F55003EE8B'",
      'GRANT INSERT, UPDATE, DELETE ON `sales`.`debezium_signal` TO `starling_cdc`@`127.0.0.1`',
    ],
    databases: [{ name: 'sales', exists: true }],
    tablesWithoutPrimaryKey: [],
    signalTable: { db: 'sales', table: 'debezium_signal', columns: ['id', 'type', 'data'] },
    connector: { className: 'io.debezium.connector.mariadb.MariaDbConnector', serverId: 184054 },
    ...over,
  };
}

function mysql8(over: Partial<SourceFacts> = {}): SourceFacts {
  const base = mariadb();
  return mariadb({
    version: '8.0.36',
    variables: {
      log_bin: 'ON',
      binlog_format: 'ROW',
      binlog_row_image: 'FULL',
      binlog_row_metadata: 'FULL',
      server_id: '1',
      binlog_expire_logs_seconds: '2592000',
      gtid_mode: 'ON',
      enforce_gtid_consistency: 'ON',
    },
    grants: [
      'GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO `starling_cdc`@`127.0.0.1`',
      ...base.grants.slice(1),
    ],
    connector: { className: 'io.debezium.connector.mysql.MySqlConnector', serverId: 184054 },
    ...over,
  });
}

const vars = (v: Record<string, string>) => ({ variables: { ...mariadb().variables, ...v } });

describe('the source rules', () => {
  it('pass on the local stack MariaDB and on a well-set MySQL 8', () => {
    expect(sourceRules(mariadb()).filter((f) => f.status !== 'OK')).toEqual([]);
    expect(sourceRules(mysql8()).filter((f) => f.status !== 'OK')).toEqual([]);
  });

  it('tell MariaDB from MySQL', () => {
    expect(flavourOf('10.11.19-MariaDB-0+deb12u1-log')).toEqual({ name: 'MariaDB', major: 10, minor: 11 });
    expect(flavourOf('8.0.36-0ubuntu0.22.04.1')).toEqual({ name: 'MySQL', major: 8, minor: 0 });
  });

  it('flag MySQL captured with the MariaDB connector', () => {
    expect(flavourRule(mariadb()).status).toBe('OK');
    const f = flavourRule(mariadb({ version: '8.0.36' }));
    expect(f.status).toBe('PROBLEM');
    expect(f.fix).toContain('io.debezium.connector.mysql.MySqlConnector');
  });

  it('need the binlog on', () => {
    expect(logBinRule(mariadb()).status).toBe('OK');
    const f = logBinRule(mariadb(vars({ log_bin: 'OFF' })));
    expect(f.status).toBe('PROBLEM');
    expect(f.fix).toContain('log-bin');
  });

  it('need binlog_format ROW', () => {
    expect(binlogFormatRule(mariadb()).status).toBe('OK');
    for (const format of ['STATEMENT', 'MIXED']) {
      const f = binlogFormatRule(mariadb(vars({ binlog_format: format })));
      expect(f.status).toBe('PROBLEM');
      expect(f.fix).toContain('binlog_format=ROW');
    }
  });

  it('need binlog_row_image FULL', () => {
    expect(binlogRowImageRule(mariadb()).status).toBe('OK');
    for (const image of ['MINIMAL', 'NOBLOB']) {
      const f = binlogRowImageRule(mariadb(vars({ binlog_row_image: image })));
      expect(f.status).toBe('PROBLEM');
      expect(f.fix).toContain('binlog_row_image=FULL');
    }
  });

  it('check binlog_row_metadata on MySQL 8 only', () => {
    expect(binlogRowMetadataRule(mariadb())).toBeUndefined();
    expect(binlogRowMetadataRule(mysql8())?.status).toBe('OK');
    const f = binlogRowMetadataRule(
      mysql8({ variables: { ...mysql8().variables, binlog_row_metadata: 'MINIMAL' } }),
    );
    expect(f?.status).toBe('WARN');
    expect(f?.fix).toContain('binlog_row_metadata=FULL');
    expect(
      binlogRowMetadataRule(mysql8({ version: '5.7.44', variables: { binlog_row_metadata: 'MINIMAL' } })),
    ).toBeUndefined();
  });

  it('warn about MariaDB binlog compression', () => {
    expect(binlogCompressionRule(mariadb())?.status).toBe('OK');
    expect(binlogCompressionRule(mariadb(vars({ log_bin_compress: 'ON' })))?.status).toBe('WARN');
    expect(binlogCompressionRule(mysql8())).toBeUndefined();
  });

  it('need a server id different from the connector', () => {
    expect(serverIdRule(mariadb()).status).toBe('OK');
    expect(serverIdRule(mariadb(vars({ server_id: '0' }))).status).toBe('PROBLEM');
    const same = serverIdRule(mariadb(vars({ server_id: '184054' })));
    expect(same.status).toBe('PROBLEM');
    expect(same.detail).toContain('database.server.id');
  });

  it('warn when binlogs are kept less than a day', () => {
    expect(binlogRetentionMs({ binlog_expire_logs_seconds: '3600', expire_logs_days: '7' })).toBe(3_600_000);
    expect(binlogRetentionMs({ binlog_expire_logs_seconds: '0', expire_logs_days: '0.5' })).toBe(43_200_000);
    expect(binlogRetentionMs({ expire_logs_days: '2' })).toBe(172_800_000);
    expect(binlogRetentionRule(mariadb()).status).toBe('OK');
    const short = binlogRetentionRule(mariadb(vars({ binlog_expire_logs_seconds: '3600' })));
    expect(short.status).toBe('WARN');
    expect(short.detail).toContain('1 h');
    expect(short.fix).toContain('binlog_expire_logs_seconds=604800');
    const never = binlogRetentionRule(
      mariadb(vars({ binlog_expire_logs_seconds: '0', expire_logs_days: '0' })),
    );
    expect(never).toMatchObject({ status: 'OK', detail: expect.stringContaining('never expire') });
    expect(binlogRetentionRule(mariadb({ variables: { expire_logs_days: '0.25' } })).fix).toContain(
      'expire_logs_days=7',
    );
  });

  it('check GTIDs on MySQL, report them on MariaDB', () => {
    expect(gtidRule(mariadb()).status).toBe('OK');
    expect(gtidRule(mysql8()).status).toBe('OK');
    const off = gtidRule(mysql8({ variables: { ...mysql8().variables, gtid_mode: 'OFF' } }));
    expect(off.status).toBe('WARN');
    expect(off.fix).toContain('gtid_mode=ON');
  });

  it('name every missing global privilege with its GRANT', () => {
    const findings = grantRules(
      mariadb({
        grants: ['GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE ON *.* TO `cdc`@`%`'],
        account: { user: 'cdc', host: '%' },
      }),
    );
    const bad = findings.filter((f) => f.status !== 'OK');
    expect(bad.map((f) => [f.status, f.check])).toEqual([
      ['PROBLEM', 'grant REPLICATION CLIENT'],
      ['WARN', 'grant LOCK TABLES'],
    ]);
    expect(bad[0]!.fix).toBe("GRANT REPLICATION CLIENT ON *.* TO 'cdc'@'%';");
    expect(bad[1]!.why).toContain('FLUSH TABLES WITH READ LOCK');
  });

  it('accept SELECT and LOCK TABLES on the captured database instead of *.*', () => {
    const findings = grantRules(
      mariadb({
        grants: [
          'GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`',
          'GRANT SELECT, LOCK TABLES ON `sales`.* TO `cdc`@`%`',
        ],
      }),
    );
    expect(findings.every((f) => f.status === 'OK')).toBe(true);
    const none = grantRules(mariadb({ grants: ['GRANT USAGE ON *.* TO `cdc`@`%`'] }));
    expect(none.filter((f) => f.status === 'PROBLEM').map((f) => f.check)).toEqual([
      'grant RELOAD',
      'grant SHOW DATABASES',
      'grant REPLICATION SLAVE',
      'grant REPLICATION CLIENT',
      'grant SELECT on sales',
    ]);
  });

  it('mention granted roles when privileges are missing', () => {
    const f = grantRules(
      mysql8({ grants: ['GRANT USAGE ON *.* TO `cdc`@`%`', 'GRANT `cdc_role`@`%` TO `cdc`@`%`'] }),
    );
    expect(f[0]!.detail).toContain('cdc_role');
  });

  it('need each captured database to exist', () => {
    expect(databaseRules(mariadb()).map((f) => f.status)).toEqual(['OK']);
    const f = databaseRules(
      mariadb({
        databases: [
          { name: 'sales', exists: true },
          { name: 'shop', exists: false },
        ],
      }),
    );
    expect(f.map((x) => x.status)).toEqual(['OK', 'PROBLEM']);
    expect(f[1]!.fix).toContain('CREATE DATABASE `shop`');
    expect(databaseRules(mariadb({ databases: [] }))[0]!.status).toBe('PROBLEM');
  });

  it("need the signal table, its columns and the capture user's INSERT on it", () => {
    expect(signalTableRules(mariadb()).map((f) => f.status)).toEqual(['OK', 'OK']);
    const missing = signalTableRules(
      mariadb({ signalTable: { db: 'sales', table: 'debezium_signal', columns: [] } }),
    );
    expect(missing).toHaveLength(1);
    expect(missing[0]!.fix).toContain('CREATE TABLE `sales`.`debezium_signal`');
    const shape = signalTableRules(
      mariadb({ signalTable: { db: 'sales', table: 'debezium_signal', columns: ['id', 'kind'] } }),
    );
    expect(shape[0]).toMatchObject({ status: 'PROBLEM', detail: expect.stringContaining('type, data') });
    const noInsert = signalTableRules(mariadb({ grants: [mariadb().grants[0]!] }));
    expect(noInsert[1]).toMatchObject({ status: 'PROBLEM', detail: 'missing INSERT, UPDATE, DELETE' });
    expect(noInsert[1]!.fix).toBe(
      "GRANT INSERT, UPDATE, DELETE ON `sales`.`debezium_signal` TO 'starling_cdc'@'127.0.0.1';",
    );
    const insertOnly = signalTableRules(
      mariadb({
        grants: [
          mariadb().grants[0]!,
          'GRANT INSERT ON `sales`.`debezium_signal` TO `starling_cdc`@`127.0.0.1`',
        ],
      }),
    );
    expect(insertOnly[1]).toMatchObject({ status: 'WARN', detail: 'missing UPDATE, DELETE' });
  });

  it('warn about captured tables without a primary key', () => {
    expect(primaryKeyRule(mariadb()).status).toBe('OK');
    const f = primaryKeyRule(mariadb({ tablesWithoutPrimaryKey: ['sales.log'] }));
    expect(f).toMatchObject({ status: 'WARN', detail: expect.stringContaining('sales.log') });
    expect(f.fix).toContain('ALTER TABLE `sales`.`log` ADD PRIMARY KEY');
  });
});
