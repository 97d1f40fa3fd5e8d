import { describe, expect, it } from 'vitest';
import type { ConnectFacts } from './connect-facts.js';
import { connectRules, MARIADB_CONNECTOR, MYSQL_CONNECTOR } from './connect-rules.js';

const CONVERTER = 'io.apicurio.registry.utils.converter.AvroConverter';
const facts = (plugins: ConnectFacts['plugins']): ConnectFacts => ({
  url: 'http://127.0.0.1:18083',
  version: '4.3.1',
  plugins,
});
const maria = { className: MARIADB_CONNECTOR, type: 'source', version: '3.5.0.Final' };
const converter = { className: CONVERTER, type: 'converter', version: '' };

describe('the Connect rules', () => {
  it('pass with the connector and the converter installed', () => {
    expect(
      connectRules(facts([maria, converter]), MARIADB_CONNECTOR, CONVERTER).map((f) => f.status),
    ).toEqual(['OK', 'OK', 'OK']);
  });

  it('flag a missing connector plugin, naming what is installed', () => {
    const [, f] = connectRules(facts([maria, converter]), MYSQL_CONNECTOR, CONVERTER);
    expect(f).toMatchObject({ status: 'PROBLEM', check: 'plugin MySqlConnector' });
    expect(f!.detail).toContain('MariaDbConnector');
    expect(f!.fix).toContain('debezium-connector-mysql');
  });

  it('flag a missing converter when the worker lists converters, and skip the check otherwise', () => {
    const other = {
      className: 'org.apache.kafka.connect.json.JsonConverter',
      type: 'converter',
      version: '',
    };
    const f = connectRules(facts([maria, other]), MARIADB_CONNECTOR, CONVERTER);
    expect(f[2]).toMatchObject({ status: 'PROBLEM', detail: 'not installed' });
    expect(connectRules(facts([maria]), MARIADB_CONNECTOR, CONVERTER)).toHaveLength(2);
  });
});
