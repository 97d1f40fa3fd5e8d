/**
 * The rules for Kafka Connect: pure functions of ConnectFacts. The worker must have the Debezium connector
 * for the source's flavour and the Avro converter Starling configures.
 */
import type { ConnectFacts } from './connect-facts.js';
import { type Finding, ok, problem } from './types.js';

const S = 'connect' as const;

export const MARIADB_CONNECTOR = 'io.debezium.connector.mariadb.MariaDbConnector';
export const MYSQL_CONNECTOR = 'io.debezium.connector.mysql.MySqlConnector';
const ARTIFACT: Record<string, string> = {
  [MARIADB_CONNECTOR]: 'debezium-connector-mariadb',
  [MYSQL_CONNECTOR]: 'debezium-connector-mysql',
};

/**
 * `connectorClass`: the source connector the source needs (MariaDB or MySQL, from the source's flavour);
 * `converterClass`: the converter the connector config names.
 */
export function connectRules(f: ConnectFacts, connectorClass: string, converterClass: string): Finding[] {
  const out: Finding[] = [ok(S, 'worker', `Kafka Connect ${f.version ?? '(version unknown)'} at ${f.url}`)];
  const plugin = f.plugins.find((p) => p.className === connectorClass);
  const short = connectorClass.split('.').pop()!;
  out.push(
    plugin
      ? ok(S, `plugin ${short}`, `installed, ${plugin.version}`)
      : problem(
          S,
          `plugin ${short}`,
          `not installed (installed sources: ${
            f.plugins
              .filter((p) => p.type === 'source')
              .map((p) => p.className.split('.').pop())
              .join(', ') || 'none'
          })`,
          'the capture connector cannot be created without it',
          `unpack Debezium's ${ARTIFACT[connectorClass] ?? short} plugin archive into a directory on the worker's plugin.path, then restart the worker`,
        ),
  );
  // Only workers that list converters can be checked for one.
  if (f.plugins.some((p) => p.type === 'converter')) {
    const converter = f.plugins.find((p) => p.className === converterClass);
    const shortConverter = converterClass.split('.').slice(-2).join('.');
    out.push(
      converter
        ? ok(
            S,
            `converter ${shortConverter}`,
            `installed${converter.version ? `, ${converter.version}` : ''}`,
          )
        : problem(
            S,
            `converter ${shortConverter}`,
            'not installed',
            'the connector writes Avro through the registry with this converter: the connector fails to start without it',
            "put Apicurio's apicurio-registry-distro-connect-converter jars on the worker's plugin.path, then restart the worker",
          ),
    );
  }
  return out;
}
