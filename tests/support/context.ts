import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { loadConfig, type StarlingConfig } from '../../core/config/load.js';

/** Every integration test names its own databases, topics, groups and connectors, so tests never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function testConfig(): StarlingConfig {
  return loadConfig();
}

export async function mysqlConnection(config: StarlingConfig, database?: string) {
  return mysql.createConnection({
    host: config.mysql.host,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    database,
    multipleStatements: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    timezone: 'Z',
  });
}
