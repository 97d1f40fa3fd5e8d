import { describe, expect, it } from 'vitest';
import type { AvroCodec } from '../../core/codec/avro-codec.js';
import { CodecError } from '../../core/codec/avro-codec.js';
import { avroPreview, bytesPreview, jsonSafe, previewLine, previewOf } from './preview.js';

describe('previews of keys and values', () => {
  it('makes decoded Avro JSON-safe: longs as strings, bytes as hex', () => {
    expect(jsonSafe({ id: 12n, b: Buffer.from([1, 255]), n: null, a: [1n, 'x'], d: new Date(0) })).toEqual({
      id: '12',
      b: '\\x01ff',
      n: null,
      a: ['1', 'x'],
      d: '1970-01-01T00:00:00.000Z',
    });
    expect(jsonSafe(Buffer.alloc(100))).toBe(`\\x${'00'.repeat(64)}…(100 bytes)`);
  });

  it('cuts decoded records at the limit and then keeps only the text', () => {
    const small = avroPreview(5, { id: 1n });
    expect(small).toEqual({
      kind: 'avro',
      schemaId: 5,
      json: '{"id":"1"}',
      truncated: false,
      value: { id: '1' },
    });
    expect(previewLine(small)).toBe('{"id":"1"}  (Avro, schema 5)');
    const big = avroPreview(5, { s: 'x'.repeat(5000) }, 100);
    expect(big).toMatchObject({ kind: 'avro', truncated: true });
    expect(big.kind === 'avro' && big.json.length).toBe(101);
    expect(big.kind === 'avro' && 'value' in big).toBe(false);
    expect(previewLine(big)).toMatch(/… {2}\(Avro, schema 5, cut\)$/);
  });

  it('previews other bytes as hex, base64 and printable text, bounded', () => {
    const p = bytesPreview(Buffer.from('{"hello": "not Avro"}'), 'not in the Confluent Avro wire format');
    expect(p).toEqual({
      kind: 'bytes',
      length: 21,
      reason: 'not in the Confluent Avro wire format',
      hex: Buffer.from('{"hello": "not Avro"}').toString('hex'),
      base64: Buffer.from('{"hello": "not Avro"}').toString('base64'),
      text: '{"hello": "not Avro"}',
      truncated: false,
    });
    expect(previewLine(p)).toBe(
      `21 bytes, not decoded (not in the Confluent Avro wire format): hex ${p.kind === 'bytes' && p.hex}, text "{\\"hello\\": \\"not Avro\\"}"`,
    );
    const huge = bytesPreview(Buffer.alloc(16 * 1024 * 1024, 0x41), 'r', 8);
    expect(huge).toMatchObject({
      length: 16 * 1024 * 1024,
      hex: '4141414141414141',
      text: 'AAAAAAAA',
      truncated: true,
    });
    expect(previewLine(huge).length).toBeLessThan(100);
    expect(bytesPreview(Buffer.from([0, 0, 0, 1, 2]), 'r')).not.toHaveProperty('text');
    // A multi-byte character cut at the end is still text.
    expect(bytesPreview(Buffer.from('ééé'), 'r', 5)).toMatchObject({ text: 'éé', truncated: true });
  });

  it('decodes through the codec, and previews bytes when it cannot', async () => {
    const codec = (decode: (b: Buffer) => Promise<unknown>) => ({ decode }) as unknown as AvroCodec;
    const ok = codec(async () => ({ schemaId: 9, value: { id: 2 } }));
    expect(await previewOf(ok, Buffer.from([0, 0, 0, 0, 9, 4]))).toMatchObject({
      kind: 'avro',
      schemaId: 9,
      json: '{"id":2}',
    });
    expect(await previewOf(ok, null)).toEqual({ kind: 'null' });
    const notAvro = codec(async () => {
      throw new CodecError('not in the Confluent Avro wire format', 'NOT_AVRO');
    });
    expect(await previewOf(notAvro, Buffer.from('abc'))).toMatchObject({
      kind: 'bytes',
      reason: 'not in the Confluent Avro wire format',
      text: 'abc',
    });
    const down = codec(async () => {
      throw new Error('fetch failed');
    });
    expect(await previewOf(down, Buffer.from([0, 0, 0, 0, 1]))).toMatchObject({
      kind: 'bytes',
      reason: 'fetch failed',
    });
  });
});
