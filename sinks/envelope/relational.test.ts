import { describe, expect, it } from 'vitest';
import { relationalChange } from './relational.js';

/** A Debezium value schema as the registry returns it, fields named as avro_unicode adjusts them. */
function envelopeSchema(fields: Array<{ avro: string; source: string; type: string }>) {
  const row = {
    type: 'record',
    name: 'Value',
    fields: fields.map((f) => ({
      name: f.avro,
      type: ['null', { type: f.type, 'connect.parameters': { '__debezium.source.column.name': f.source } }],
    })),
  };
  return { type: 'record', name: 'Envelope', fields: [{ name: 'before', type: ['null', row] }] };
}

const source = {
  connector: 'mariadb',
  db: 'shop',
  table: 'a b',
  ts_ms: 1000n,
  file: 'bin.000001',
  pos: 4n,
  row: 0,
};

describe('relationalChange with adjusted field names', () => {
  const schema = envelopeSchema([
    { avro: 'key_u0020_u0022id_u0022', source: 'key "id"', type: 'int' },
    { avro: 'my_u0020col', source: 'my col', type: 'string' },
    { avro: 'my_u005fcol', source: 'my_col', type: 'string' },
  ]);

  it('names key and row columns as the source does, reading each from its Avro field', () => {
    const e = relationalChange(
      { schema: {}, value: { key_u0020_u0022id_u0022: 7 } } as never,
      {
        schema,
        value: {
          op: 'c',
          before: null,
          after: { key_u0020_u0022id_u0022: 7, my_u0020col: 'space', my_u005fcol: 'underscore' },
          source,
        },
      } as never,
      '5',
    );
    expect(e.table).toEqual({ namespace: 'shop', name: 'a b' });
    expect(e.keyColumns).toEqual(['key "id"']);
    expect(e.key).toEqual({ 'key "id"': 7 });
    expect(e.row).toEqual({ 'key "id"': 7, 'my col': 'space', my_col: 'underscore' });
    expect(e.columns.map((c) => c.name)).toEqual(['key "id"', 'my col', 'my_col']);
  });

  it('dead-letters a key field the value schema does not have', () => {
    expect(() =>
      relationalChange(
        { schema: {}, value: { nope: 1 } } as never,
        { schema, value: { op: 'd', before: null, after: null, source } } as never,
        '6',
      ),
    ).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });
});
