import type { AttrType, StarModel } from '../model/types.js';
import { type DdlOptions, type Dialect, quoteIdentifier, renderScript } from './dialect-neutral.js';

/**
 * IBM Db2 (LUW 11.1+) types.
 * - Booleans are SMALLINT 0/1 with a CHECK, not BOOLEAN: Db2 LUW has BOOLEAN columns only since 11.1.1.1,
 *   Db2 for z/OS has none, and drivers and BI tools handle SMALLINT everywhere. Writers send 0/1.
 * - Text is VARCHAR(n CODEUNITS32), so a maxLength counts characters as in PostgreSQL (needs a Unicode
 *   database, Db2's default); text without a maxLength is VARCHAR(4000 CODEUNITS32) (Db2 has no unbounded
 *   VARCHAR, and CLOBs cannot be keys).
 * - DECIMAL up to 31 digits (the validator enforces it for both dialects).
 */
export const DB2_DEFAULT_TEXT_LENGTH = 4000;

export const db2Dialect: Dialect = {
  name: 'db2',
  quote: quoteIdentifier,
  columnType(t: AttrType): string {
    switch (t.type) {
      case 'int':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'decimal':
        return `DECIMAL(${t.precision},${t.scale})`;
      case 'text':
        return `VARCHAR(${t.maxLength ?? DB2_DEFAULT_TEXT_LENGTH} CODEUNITS32)`;
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP(6)';
      case 'boolean':
        return 'SMALLINT';
    }
  },
  booleanLiteral: (v) => (v ? '1' : '0'),
  timestampLiteral: (text) => `'${text}'`,
  booleanCheck: (col) => `${col} IN (0, 1)`,
};

/** The Db2 warehouse DDL of a model. */
export function db2Ddl(model: StarModel, options: DdlOptions = {}): string {
  return renderScript(model, db2Dialect, options);
}
