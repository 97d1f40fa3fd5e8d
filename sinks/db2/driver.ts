import { UserError } from '../../core/errors/user-error.js';

/**
 * IBM's Node driver for Db2 (`ibm_db`), loaded only when a Db2 target is configured. It is not a
 * dependency: its install downloads IBM's CLI driver unless IBM_DB_HOME points at one, which an offline
 * install cannot do (see docs: infra-notes "IBM Db2").
 */

/** A bound parameter: plain values, or ibm_db's descriptor form for LOBs and binary data. */
export type Db2Param =
  | string
  | number
  | null
  | { ParamType: 'INPUT'; DataType: 'BLOB' | 'CLOB' | 'BINARY'; Data: Buffer | string };

/** The calls of an ibm_db connection this project uses (promise forms: no callback given). */
export interface Db2Connection {
  query<Row = Record<string, unknown>>(sql: string, params?: Db2Param[]): Promise<Row[]>;
  beginTransaction(): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  close(): Promise<void>;
}

/** The calls of the ibm_db module this project uses. */
export interface IbmDb {
  open(connectionString: string): Promise<Db2Connection>;
}

const MODULE = 'ibm_db';

export const DRIVER_MISSING_MESSAGE = [
  'A Db2 target is configured (STARLING_DB2_URL) but the Db2 driver, the npm package ibm_db, is not installed.',
  'It is not a dependency of Starling because its install downloads IBM Data Server Driver (clidriver).',
  'To install it: either set IBM_DB_HOME to an installed IBM Data Server Driver (clidriver) directory,',
  'or allow the install to download it (network access to IBM), then run: npm install ibm_db',
].join('\n');

function isModuleNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((e as Error).message).includes(MODULE)
  );
}

/**
 * Loads ibm_db. Throws UserError DB2_DRIVER_MISSING (how to install it) when it is absent, and
 * DB2_DRIVER_UNUSABLE when it is installed but cannot load (typically its clidriver is missing).
 * `importer` exists for tests.
 */
export async function loadIbmDb(
  importer: (name: string) => Promise<unknown> = (n) => import(n),
): Promise<IbmDb> {
  let mod: unknown;
  try {
    mod = await importer(MODULE);
  } catch (e) {
    if (isModuleNotFound(e)) throw new UserError(DRIVER_MISSING_MESSAGE, 'DB2_DRIVER_MISSING');
    throw new UserError(
      `The Db2 driver ibm_db is installed but cannot load (${(e as Error).message}). Check that IBM_DB_HOME points at an installed IBM Data Server Driver (clidriver), then reinstall it: npm install ibm_db`,
      'DB2_DRIVER_UNUSABLE',
    );
  }
  // ibm_db is CommonJS: the ESM namespace holds module.exports as `default`.
  const api = ((mod as { default?: unknown }).default ?? mod) as Partial<IbmDb>;
  if (typeof api.open !== 'function') {
    throw new UserError(
      'The installed ibm_db package has no open(): reinstall it (npm install ibm_db)',
      'DB2_DRIVER_UNUSABLE',
    );
  }
  return api as IbmDb;
}

/** A CLI keyword value: braced when it holds a separator (ODBC convention; `}` doubled inside braces). */
function cliValue(v: string): string {
  return /[;{}=]|^\s|\s$/.test(v) ? `{${v.replaceAll('}', '}}')}}` : v;
}

/**
 * `db2://user:pass@host:port/DATABASE?security=SSL` -> the CLI connection string ibm_db takes:
 * `DATABASE=..;HOSTNAME=..;PORT=..;PROTOCOL=TCPIP;UID=..;PWD=..;` (+ `Security=SSL;`, and
 * `SSLServerCertificate=..;` from `sslServerCertificate=`). Error messages never include the password.
 */
export function db2ConnectionString(url: string): string {
  const bad = (why: string) => new UserError(`STARLING_DB2_URL: ${why}`, 'CONFIG_INVALID');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL of the form db2://user:password@host:port/DATABASE');
  }
  if (u.protocol !== 'db2:') throw bad(`expected the db2: scheme, got ${u.protocol}`);
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname) throw bad('no host');
  if (!database || database.includes('/'))
    throw bad('expected one database name as the path (db2://…/DATABASE)');
  if (!user) throw bad('no user name (db2://user:password@host:port/DATABASE)');
  const parts: Array<[string, string]> = [
    ['DATABASE', database],
    ['HOSTNAME', u.hostname.replace(/^\[(.*)\]$/, '$1')],
    ['PORT', u.port || '50000'],
    ['PROTOCOL', 'TCPIP'],
    ['UID', user],
  ];
  if (password) parts.push(['PWD', password]);
  for (const [key, value] of u.searchParams) {
    switch (key.toLowerCase()) {
      case 'security':
        if (value.toUpperCase() !== 'SSL') throw bad(`security=${value}: only security=SSL is known`);
        parts.push(['Security', 'SSL']);
        break;
      case 'sslservercertificate':
        parts.push(['SSLServerCertificate', value]);
        break;
      default:
        throw bad(`unknown parameter ${key} (known: security, sslServerCertificate)`);
    }
  }
  return parts.map(([k, v]) => `${k}=${cliValue(v)};`).join('');
}
