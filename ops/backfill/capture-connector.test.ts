import { describe, expect, it } from 'vitest';
import {
  type ConnectorInfo,
  captureConnectorsFor,
  capturesTable,
  describeState,
  hasStopped,
  isRunning,
} from './capture-connector.js';

const mariadb = (name: string, config: Record<string, string>, state = 'RUNNING'): ConnectorInfo => ({
  name,
  config: {
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'topic.prefix': 'softcart',
    ...config,
  },
  state,
  tasks: [{ id: 0, state }],
});

describe('the connector that captures a table', () => {
  it("follows Debezium's include and exclude lists (whole-name regular expressions, any case)", () => {
    expect(capturesTable({ 'database.include.list': 'sales,shop' }, 'sales', 'sales_data')).toBe(true);
    expect(capturesTable({ 'database.include.list': 'sales,shop' }, 'sales2', 'sales_data')).toBe(false);
    expect(capturesTable({ 'database.include.list': 'SAL.*' }, 'sales', 'x')).toBe(true);
    expect(capturesTable({}, 'anything', 'x')).toBe(true);
    expect(capturesTable({ 'database.exclude.list': 'sales' }, 'sales', 'x')).toBe(false);
    expect(capturesTable({ 'table.include.list': 'sales.customers' }, 'sales', 'sales_data')).toBe(false);
    expect(capturesTable({ 'table.exclude.list': 'sales\\.sales_.*' }, 'sales', 'sales_data')).toBe(false);
  });

  it('takes Debezium MariaDB and MySQL connectors with the topic prefix, running ones first', () => {
    const mysql: ConnectorInfo = {
      ...mariadb('b-mysql', { 'database.include.list': 'sales' }),
      config: {
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
        'topic.prefix': 'softcart',
        'database.include.list': 'sales',
      },
    };
    const connectors = [
      mariadb('a-failed', { 'database.include.list': 'sales' }, 'FAILED'),
      mysql,
      mariadb('other-prefix', { 'topic.prefix': 'other', 'database.include.list': 'sales' }),
      mariadb('other-db', { 'database.include.list': 'shop' }),
      {
        ...mariadb('sink', {}),
        config: { 'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector' },
      },
    ];
    expect(captureConnectorsFor(connectors, 'softcart', 'sales', 'sales_data').map((c) => c.name)).toEqual([
      'b-mysql',
      'a-failed',
    ]);
  });

  it('is running only when the connector and every task are', () => {
    const c = mariadb('c', {});
    expect(isRunning(c)).toBe(true);
    expect(isRunning({ ...c, tasks: [] })).toBe(false);
    const failed = { ...c, tasks: [{ id: 0, state: 'FAILED', trace: '\norg.Boom: no binlog\n\tat x' }] };
    expect(isRunning(failed)).toBe(false);
    expect(describeState(failed)).toBe('connector RUNNING, task 0 FAILED: org.Boom: no binlog');
    expect(hasStopped(failed)).toBe(true);
    expect(hasStopped({ ...c, state: 'PAUSED' })).toBe(true);
    expect(hasStopped({ ...c, tasks: [{ id: 0, state: 'UNASSIGNED' }] })).toBe(false);
    expect(hasStopped(c)).toBe(false);
  });
});
