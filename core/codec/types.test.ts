import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { decodeDecimal, encodeDecimal, formatUnscaled, parseAvroSchema } from './types.js';

describe('decodeDecimal / encodeDecimal', () => {
  it.each([
    '0.00',
    '0.01',
    '-0.01',
    '1.28',
    '-1.28',
    '1.27',
    '-1.29',
    '1234567890.12',
    '-9999999999.99',
    '99999999999999999999999999999999999.99',
    '-99999999999999999999999999999999999.99',
  ])('round-trips %s at scale 2', (value) => {
    expect(decodeDecimal(encodeDecimal(value, 2), 2)).toBe(value);
  });

  it.each([
    '0',
    '1',
    '-1',
    '127',
    '128',
    '-128',
    '-129',
    '123456789012',
    '-999999999999',
    '9223372036854775808',
    '9999999999999999999999999999999999999',
  ])('round-trips %s at scale 0', (value) => {
    expect(decodeDecimal(encodeDecimal(value, 0), 0)).toBe(value);
  });

  it('pads fewer fraction digits up to the scale', () => {
    expect(decodeDecimal(encodeDecimal('5', 2), 2)).toBe('5.00');
    expect(decodeDecimal(encodeDecimal('-0.5', 3), 3)).toBe('-0.500');
    expect(decodeDecimal(encodeDecimal(' 12.3 ', 2), 2)).toBe('12.30');
  });

  it('normalizes negative zero to zero', () => {
    expect(decodeDecimal(encodeDecimal('-0.00', 2), 2)).toBe('0.00');
  });

  it('decodes known two-complement big-endian byte vectors', () => {
    expect(decodeDecimal(Buffer.from([0xff]), 2)).toBe('-0.01');
    expect(decodeDecimal(Buffer.from([0x00, 0x80]), 2)).toBe('1.28');
    expect(decodeDecimal(Buffer.from([0x80]), 2)).toBe('-1.28');
    expect(decodeDecimal(Buffer.from([0x7f]), 0)).toBe('127');
    expect(decodeDecimal(Buffer.from([0xff, 0x7f]), 0)).toBe('-129');
    expect(decodeDecimal(Buffer.from([0x01, 0x00]), 1)).toBe('25.6');
    expect(decodeDecimal(Buffer.from([0x00, 0x00, 0x00]), 2)).toBe('0.00');
    expect(decodeDecimal(Buffer.alloc(0), 2)).toBe('0.00');
    expect(decodeDecimal(Buffer.alloc(0), 0)).toBe('0');
  });

  it('encodes in the fewest two-complement bytes', () => {
    expect(encodeDecimal('-0.01', 2)).toEqual(Buffer.from([0xff]));
    expect(encodeDecimal('1.28', 2)).toEqual(Buffer.from([0x00, 0x80]));
    expect(encodeDecimal('1.27', 2)).toEqual(Buffer.from([0x7f]));
    expect(encodeDecimal('-1.28', 2)).toEqual(Buffer.from([0x80]));
    expect(encodeDecimal('-1.29', 2)).toEqual(Buffer.from([0xff, 0x7f]));
    expect(encodeDecimal('0.00', 2)).toEqual(Buffer.from([0x00]));
    expect(encodeDecimal('32768', 0)).toEqual(Buffer.from([0x00, 0x80, 0x00]));
  });

  it('matches Java BigDecimal.unscaledValue().toByteArray() for a large value', () => {
    // 1234567890.12 -> unscaled 123456789012 = 0x1CBE991A14
    expect(encodeDecimal('1234567890.12', 2)).toEqual(Buffer.from([0x1c, 0xbe, 0x99, 0x1a, 0x14]));
  });

  it('rejects more fraction digits than the scale', () => {
    expect(() => encodeDecimal('1.234', 2)).toThrow(/more than 2 fraction digits/);
    expect(() => encodeDecimal('0.1', 0)).toThrow(/more than 0 fraction digits/);
  });

  it.each(['', 'abc', '1.2.3', '1e5', '.5', '5.', '+1', '1,5', 'NaN', 'Infinity', '--1'])(
    'rejects the non-number %j',
    (value) => {
      expect(() => encodeDecimal(value, 2)).toThrow(/not a decimal/);
    },
  );

  it('formats an unscaled value', () => {
    expect(formatUnscaled(5n, 3)).toBe('0.005');
    expect(formatUnscaled(-5n, 3)).toBe('-0.005');
    expect(formatUnscaled(12345n, 2)).toBe('123.45');
    expect(formatUnscaled(-12345n, 0)).toBe('-12345');
  });
});

describe('parseAvroSchema', () => {
  const schema = {
    type: 'record',
    name: 'Value',
    namespace: 'softcart.sales.orders',
    fields: [
      { name: 'id', type: 'long' },
      {
        name: 'amount',
        type: {
          type: 'bytes',
          scale: 2,
          precision: 12,
          'connect.version': 1,
          'connect.parameters': { scale: '2', 'connect.decimal.precision': '12' },
          'connect.name': 'org.apache.kafka.connect.data.Decimal',
          logicalType: 'decimal',
        },
      },
      {
        name: 'created_at',
        type: { type: 'long', 'connect.version': 1, 'connect.name': 'io.debezium.time.MicroTimestamp' },
      },
      { name: 'note', type: ['null', 'string'], default: null },
    ],
  };
  const value = {
    id: 9007199254740993n,
    amount: '1234567890.12',
    created_at: 1_700_000_000_123_456n,
    note: 'gift',
  };

  it('round-trips a decimal as an exact string and both long forms as bigint', () => {
    const type = parseAvroSchema(schema);
    const decoded = type.fromBuffer(type.toBuffer(value));
    expect(decoded.id).toBe(9007199254740993n);
    expect(typeof decoded.id).toBe('bigint');
    expect(decoded.created_at).toBe(1_700_000_000_123_456n);
    expect(typeof decoded.created_at).toBe('bigint');
    expect(decoded.amount).toBe('1234567890.12');
    expect(decoded.note).toBe('gift');
  });

  it('accepts the schema as a JSON string', () => {
    const type = parseAvroSchema(JSON.stringify(schema));
    const decoded = type.fromBuffer(type.toBuffer({ ...value, id: -9007199254740993n, amount: '-0.01' }));
    expect(decoded.id).toBe(-9007199254740993n);
    expect(decoded.amount).toBe('-0.01');
  });

  it('round-trips the extremes of a signed 64-bit long', () => {
    const type = parseAvroSchema(schema);
    for (const id of [9223372036854775807n, -9223372036854775808n, 0n]) {
      expect(type.fromBuffer(type.toBuffer({ ...value, id })).id).toBe(id);
    }
  });

  it('writes the standard Avro binary encoding (readable by plain avsc)', () => {
    const type = parseAvroSchema(schema);
    const plain = avro.Type.forSchema(
      {
        type: 'record',
        name: 'Value',
        fields: [
          { name: 'id', type: 'long' },
          { name: 'amount', type: 'bytes' },
          { name: 'created_at', type: 'long' },
          { name: 'note', type: ['null', 'string'] },
        ],
      },
      { wrapUnions: false },
    );
    const decoded = plain.fromBuffer(type.toBuffer({ ...value, id: 42n, created_at: -7n }));
    expect(decoded.id).toBe(42);
    expect(decoded.created_at).toBe(-7);
    expect(decoded.amount).toEqual(Buffer.from([0x1c, 0xbe, 0x99, 0x1a, 0x14]));
    expect(decoded.note).toBe('gift');
  });

  it('rejects a long given as a JS number', () => {
    const type = parseAvroSchema(schema);
    expect(type.isValid({ ...value, id: 42 })).toBe(false);
    expect(type.isValid({ ...value, created_at: 42 })).toBe(false);
    expect(type.isValid(value)).toBe(true);
  });

  it('rejects a decimal with more fraction digits than its scale', () => {
    const type = parseAvroSchema(schema);
    expect(() => type.toBuffer({ ...value, amount: '1.234' })).toThrow(/fraction digits/);
  });

  it('accepts a record name that contains - (a topic-derived name)', () => {
    const type = parseAvroSchema({
      type: 'record',
      name: 'my-topic.db.t.Value',
      fields: [{ name: 'id', type: 'long' }],
    });
    expect(type.name).toMatch(/^my_topic\.db\.t\.Value$/);
    expect(type.fromBuffer(type.toBuffer({ id: 1n })).id).toBe(1n);
  });

  it('accepts a namespace with - and a digit-leading segment, and short-name references to it', () => {
    const type = parseAvroSchema({
      type: 'record',
      name: 'Envelope',
      namespace: 'my-topic.2024.orders',
      fields: [
        {
          name: 'before',
          type: ['null', { type: 'record', name: 'Value', fields: [{ name: 'id', type: 'long' }] }],
          default: null,
        },
        { name: 'after', type: ['null', 'Value'], default: null },
      ],
    });
    const decoded = type.fromBuffer(type.toBuffer({ before: null, after: { id: 7n } }));
    expect(decoded.before).toBeNull();
    expect(decoded.after.id).toBe(7n);
  });

  it('accepts a full-name reference to a record whose name contains -', () => {
    const type = parseAvroSchema({
      type: 'record',
      name: 'Envelope',
      namespace: 'other',
      fields: [
        {
          name: 'before',
          type: [
            'null',
            { type: 'record', name: 'my-topic.db.t.Value', fields: [{ name: 'id', type: 'long' }] },
          ],
        },
        { name: 'after', type: ['null', 'my-topic.db.t.Value'] },
      ],
    });
    expect(type.fromBuffer(type.toBuffer({ before: null, after: { id: 1n } })).after.id).toBe(1n);
  });
});
