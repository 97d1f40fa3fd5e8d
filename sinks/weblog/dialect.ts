import type { DateRow } from '../../streams/date-dimension.js';
import type { WebRequestRow } from '../../streams/weblog/request-row.js';

/** The web-request fact's table name in the star's schema. */
export const WEB_REQUEST_FACT = 'FactWebRequest';

/**
 * What a warehouse must do for the web-log stream. Implemented for PostgreSQL (sinks/postgres/
 * weblog-dialect.ts); Db2 is not done. Errors are thrown as the driver raised them, for the caller to
 * classify (sinks/runtime/classify.ts: transient ones retried, others fatal).
 */
export interface WeblogWarehouse {
  /** The warehouse schema the fact (and the star's date dimension) live in. */
  readonly schema: string;
  /**
   * Creates what is missing, idempotently and safely against concurrent starts: the schema, the star's
   * date dimension (exactly as the warehouse sink creates it) and the fact with its index.
   */
  ensureTables(): Promise<void>;
  /**
   * In one transaction: adds the date members (existing ones untouched) and inserts the rows, keyed by
   * (topic, partition, offset); a row already there is left as it is, so a redelivered batch changes nothing.
   */
  write(dates: DateRow[], rows: WebRequestRow[]): Promise<void>;
  /** The kept lines of a day (its dateid), in the stream's order (the file's order). */
  linesOfDay(dateid: number): Promise<string[]>;
  /** The days (dateid) holding kept lines, ascending. */
  days(): Promise<number[]>;
  close(): Promise<void>;
}
