import { describe, expect, it } from 'vitest';
import {
  databasePatternMatches,
  grantedRoles,
  hasGlobal,
  hasOnDatabase,
  hasOnTable,
  parseGrantLine,
  parseGrants,
} from './grants.js';

// Real SHOW GRANTS output: MariaDB 10.11 (the local stack's capture user) and MySQL 8.0 (a Debezium user
// set up after Debezium's MySQL guide, with a role and dynamic privileges).
const MARIADB = [
  "GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `starling_cdc`@`127.0.0.1` IDENTIFIED BY PASSWORD '*5611F68BEEF98C7BAC690017991329F55003EE8B'",
  'GRANT INSERT, UPDATE, DELETE ON `sales`.`debezium_signal` TO `starling_cdc`@`127.0.0.1`',
];
const MYSQL8 = [
  'GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `debezium`@`%`',
  'GRANT BACKUP_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* TO `debezium`@`%`',
  'GRANT INSERT, UPDATE, DELETE ON `inventory`.`debezium_signal` TO `debezium`@`%`',
  'GRANT `cdc_reader`@`%`,`auditor`@`%` TO `debezium`@`%`',
];

describe('parseGrantLine', () => {
  it('reads a global grant and maps MariaDB BINLOG MONITOR to REPLICATION CLIENT', () => {
    const g = parseGrantLine(MARIADB[0]!)!;
    expect(g.level).toBe('global');
    expect(g.privileges).toEqual([
      'SELECT',
      'RELOAD',
      'SHOW DATABASES',
      'LOCK TABLES',
      'REPLICATION SLAVE',
      'REPLICATION CLIENT',
    ]);
  });

  it('reads a table grant with quoted names', () => {
    expect(parseGrantLine(MARIADB[1]!)).toMatchObject({
      level: 'table',
      db: 'sales',
      table: 'debezium_signal',
      privileges: ['INSERT', 'UPDATE', 'DELETE'],
    });
  });

  it('reads MySQL 8 dynamic privileges without spaces after commas', () => {
    expect(parseGrantLine(MYSQL8[1]!)?.privileges).toEqual(['BACKUP_ADMIN', 'REPLICATION_SLAVE_ADMIN']);
  });

  it('reads role grants (MySQL with hosts, MariaDB without)', () => {
    expect(parseGrantLine(MYSQL8[3]!)).toMatchObject({ level: 'role', roles: ['cdc_reader', 'auditor'] });
    expect(parseGrantLine('GRANT `cdc` TO `u`@`%`')).toMatchObject({ level: 'role', roles: ['cdc'] });
  });

  it('reads ALL PRIVILEGES and ALL, WITH GRANT OPTION', () => {
    expect(
      parseGrantLine(
        "GRANT ALL PRIVILEGES ON *.* TO `starling`@`127.0.0.1` IDENTIFIED BY PASSWORD '*01' WITH GRANT OPTION",
      )?.privileges,
    ).toEqual(['ALL PRIVILEGES']);
    expect(parseGrantLine('GRANT ALL ON `db`.* TO u@h')).toMatchObject({
      level: 'database',
      db: 'db',
      privileges: ['ALL PRIVILEGES'],
    });
  });

  it('keeps quoted identifiers whole: dots, spaces, " ON ", doubled backquotes', () => {
    expect(parseGrantLine('GRANT SELECT ON `my.db`.`a ON b``c` TO `u`@`%`')).toMatchObject({
      level: 'table',
      db: 'my.db',
      table: 'a ON b`c',
    });
  });

  it('puts column-level privileges apart: they do not grant the table', () => {
    const g = parseGrantLine('GRANT SELECT (`id`, `name`), INSERT ON `sales`.`t` TO `u`@`%`')!;
    expect(g.privileges).toEqual(['INSERT']);
    expect(g.columnPrivileges).toEqual(['SELECT']);
  });

  it('recognises routine and proxy grants, and unquoted MySQL 5 names', () => {
    expect(parseGrantLine('GRANT EXECUTE ON PROCEDURE `sales`.`p` TO `u`@`%`')?.level).toBe('routine');
    expect(parseGrantLine("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION")?.level).toBe(
      'proxy',
    );
    expect(parseGrantLine("GRANT SELECT ON sales.* TO 'u'@'%'")).toMatchObject({
      level: 'database',
      db: 'sales',
    });
    expect(parseGrantLine('GRANT SELECT ON TABLE `sales`.`t` TO u@h')).toMatchObject({
      level: 'table',
      table: 't',
    });
  });

  it('ignores what is not a GRANT', () => {
    expect(parseGrantLine('REVOKE SELECT ON `mysql`.* FROM `u`@`%`')).toBeUndefined();
    expect(parseGrantLine('')).toBeUndefined();
  });

  it('reads USAGE as no privileges of interest', () => {
    const grants = parseGrants(["GRANT USAGE ON *.* TO `nobody`@`%` IDENTIFIED BY PASSWORD '*AB'"]);
    expect(hasGlobal(grants, 'SELECT')).toBe(false);
  });
});

describe('privilege checks', () => {
  const maria = parseGrants(MARIADB);
  const mysql8 = parseGrants(MYSQL8);

  it('finds global privileges in both flavours', () => {
    for (const grants of [maria, mysql8])
      for (const p of ['SELECT', 'RELOAD', 'SHOW DATABASES', 'REPLICATION SLAVE', 'REPLICATION CLIENT'])
        expect(hasGlobal(grants, p)).toBe(true);
    expect(hasGlobal(mysql8, 'LOCK TABLES')).toBe(false);
    expect(hasGlobal(maria, 'INSERT')).toBe(false);
  });

  it('finds table-level grants only on their table', () => {
    expect(hasOnTable(maria, 'INSERT', 'sales', 'debezium_signal')).toBe(true);
    expect(hasOnTable(maria, 'INSERT', 'sales', 'customers')).toBe(false);
    expect(hasOnTable(maria, 'INSERT', 'other', 'debezium_signal')).toBe(false);
  });

  it('lets a global or database grant cover a table', () => {
    expect(hasOnTable(parseGrants(['GRANT ALL PRIVILEGES ON *.* TO `a`@`%`']), 'DELETE', 'x', 'y')).toBe(
      true,
    );
    const db = parseGrants(['GRANT INSERT, UPDATE ON `sales`.* TO `a`@`%`']);
    expect(hasOnTable(db, 'UPDATE', 'sales', 'debezium_signal')).toBe(true);
    expect(hasOnTable(db, 'DELETE', 'sales', 'debezium_signal')).toBe(false);
    expect(hasOnDatabase(db, 'INSERT', 'sales')).toBe(true);
    // a table-level grant does not cover the database
    expect(hasOnDatabase(maria, 'INSERT', 'sales')).toBe(false);
  });

  it('matches database grants as LIKE patterns, honouring escapes', () => {
    expect(databasePatternMatches('sales\\_%', 'sales_eu')).toBe(true);
    expect(databasePatternMatches('sales\\_%', 'salesXeu')).toBe(false);
    expect(databasePatternMatches('sales_', 'sales1')).toBe(true);
    expect(databasePatternMatches('sales', 'sales')).toBe(true);
    expect(databasePatternMatches('sales', 'sales2')).toBe(false);
    expect(databasePatternMatches('a.b', 'axb')).toBe(false);
    const grants = parseGrants(['GRANT SELECT ON `shop\\_%`.* TO `a`@`%`']);
    expect(hasOnDatabase(grants, 'SELECT', 'shop_eu')).toBe(true);
  });

  it('lists granted roles', () => {
    expect(grantedRoles(mysql8)).toEqual(['cdc_reader', 'auditor']);
    expect(grantedRoles(maria)).toEqual([]);
  });
});
