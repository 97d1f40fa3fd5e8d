import type { AttrType, StarModel } from '../model/types.js';
import { type DdlOptions, type Dialect, quoteIdentifier, renderScript } from './dialect-neutral.js';

/** PostgreSQL types: NUMERIC for decimals, VARCHAR(n)/TEXT, TIMESTAMP(6) without time zone (UTC by contract). */
export const postgresDialect: Dialect = {
  name: 'postgres',
  quote: quoteIdentifier,
  columnType(t: AttrType): string {
    switch (t.type) {
      case 'int':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'decimal':
        return `NUMERIC(${t.precision},${t.scale})`;
      case 'text':
        return t.maxLength === undefined ? 'TEXT' : `VARCHAR(${t.maxLength})`;
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP(6)';
      case 'boolean':
        return 'BOOLEAN';
    }
  },
  booleanLiteral: (v) => (v ? 'TRUE' : 'FALSE'),
  timestampLiteral: (text) => `TIMESTAMP '${text}'`,
};

/** The PostgreSQL warehouse DDL of a model. */
export function postgresDdl(model: StarModel, options: DdlOptions = {}): string {
  return renderScript(model, postgresDialect, options);
}
