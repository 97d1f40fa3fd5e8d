import type { StarlingConfig } from '../core/config/load.js';
import { UserError } from '../core/errors/user-error.js';
import { ConnectApi } from './connect-api.js';
import { defaultCaptureOptions, mariaDbConnectorConfig } from './mariadb.js';

export interface Registration {
  name: string;
  created: boolean;
}

/** Registers (or updates) the capture connectors the configuration asks for. Idempotent. */
export async function registerCapture(config: StarlingConfig): Promise<Registration[]> {
  const api = new ConnectApi(config.connect.url);
  const opts = defaultCaptureOptions(config);
  const connectorConfig = mariaDbConnectorConfig(config, opts);
  const errors = await api.validate(connectorConfig['connector.class']!, connectorConfig);
  if (errors.length) {
    throw new UserError(
      `Kafka Connect rejects the MariaDB connector config:\n${errors.map((e) => `  - ${e}`).join('\n')}`,
      'CONNECTOR_INVALID',
    );
  }
  const created = await api.upsert(opts.name, connectorConfig);
  return [{ name: opts.name, created }];
}
