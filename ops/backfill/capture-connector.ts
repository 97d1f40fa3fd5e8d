/**
 * Which Kafka Connect connector captures a table into `<prefix>.<db>.<table>`: a Debezium MariaDB or MySQL
 * connector with that topic prefix whose include/exclude lists take the table (Debezium's lists are
 * comma-separated regular expressions matched against the whole name, ignoring case). Pure.
 */
export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  /** the connector's state as Connect reports it (RUNNING, PAUSED, FAILED, ...) */
  state: string;
  tasks: Array<{ id: number; state: string; trace?: string }>;
}

const CAPTURE_CLASSES = new Set([
  'io.debezium.connector.mariadb.MariaDbConnector',
  'io.debezium.connector.mysql.MySqlConnector',
]);

/** A Debezium list: undefined when the setting is absent or blank (no restriction). */
function patterns(list: string | undefined): RegExp[] | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  return list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => {
      try {
        return [new RegExp(`^(?:${p})$`, 'i')];
      } catch {
        return []; // not a JavaScript regular expression: it matches nothing here
      }
    });
}

const any = (ps: RegExp[], name: string) => ps.some((p) => p.test(name));

export function capturesTable(config: Record<string, string>, db: string, table: string): boolean {
  const dbInclude = patterns(config['database.include.list']);
  const dbExclude = patterns(config['database.exclude.list']);
  const tableInclude = patterns(config['table.include.list']);
  const tableExclude = patterns(config['table.exclude.list']);
  const id = `${db}.${table}`;
  if (dbInclude && !any(dbInclude, db)) return false;
  if (dbExclude && any(dbExclude, db)) return false;
  if (tableInclude && !any(tableInclude, id)) return false;
  if (tableExclude && any(tableExclude, id)) return false;
  return true;
}

/** The connectors capturing db.table under this topic prefix, running ones first. */
export function captureConnectorsFor(
  connectors: ConnectorInfo[],
  prefix: string,
  db: string,
  table: string,
): ConnectorInfo[] {
  return connectors
    .filter(
      (c) =>
        CAPTURE_CLASSES.has(c.config['connector.class'] ?? '') &&
        c.config['topic.prefix'] === prefix &&
        capturesTable(c.config, db, table),
    )
    .sort((a, b) => Number(isRunning(b)) - Number(isRunning(a)) || a.name.localeCompare(b.name));
}

/** The connector and every task RUNNING (a connector without tasks captures nothing). */
export function isRunning(c: ConnectorInfo): boolean {
  return c.state === 'RUNNING' && c.tasks.length > 0 && c.tasks.every((t) => t.state === 'RUNNING');
}

/**
 * Stopped for good, not just moving: FAILED, PAUSED or STOPPED (Connect's UNASSIGNED and RESTARTING pass
 * during a rebalance or a restart, and are waited out).
 */
export function hasStopped(c: ConnectorInfo): boolean {
  const stopped = (state: string) => ['FAILED', 'PAUSED', 'STOPPED'].includes(state);
  return stopped(c.state) || c.tasks.some((t) => stopped(t.state));
}

/** "connector RUNNING, task 0 FAILED: <first line of the trace>" */
export function describeState(c: ConnectorInfo): string {
  const tasks =
    c.tasks.length === 0
      ? 'no tasks'
      : c.tasks
          .map((t) => {
            const line = t.trace
              ?.split('\n')
              .find((l) => l.trim() !== '')
              ?.trim();
            return `task ${t.id} ${t.state}${line ? `: ${line}` : ''}`;
          })
          .join(', ');
  return `connector ${c.state}, ${tasks}`;
}
