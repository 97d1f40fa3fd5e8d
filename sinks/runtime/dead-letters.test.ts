import { describe, expect, it } from 'vitest';
import {
  chunkBySize,
  type DeadRecord,
  deadLetterMessage,
  notYetSent,
  RECORD_OVERHEAD_BYTES,
  rememberSent,
  SENT_REMEMBERED,
  TRUNCATED_KEY_HEADER,
  TRUNCATED_VALUE_HEADER,
} from './dead-letters.js';

function dead(key: Buffer | null, value: Buffer | null): DeadRecord {
  return {
    topic: 'p.db.t',
    partition: 0,
    message: { key, value, offset: '42', timestamp: '0', attributes: 0, headers: { h: 'x' } } as never,
    stage: 'decode',
    code: 'NOT_AVRO',
    reason: 'r'.repeat(5000),
  };
}

const size = (m: ReturnType<typeof deadLetterMessage>) =>
  (m.key?.length ?? 0) +
  (m.value?.length ?? 0) +
  Object.entries(m.headers).reduce((n, [k, v]) => n + k.length + 16 + String(v).length, 0) +
  RECORD_OVERHEAD_BYTES;

describe('deadLetterMessage', () => {
  it('keeps the original key, value and headers, adds the origin and a reason cut at 2,000 characters', () => {
    const m = deadLetterMessage(dead(Buffer.from('k'), Buffer.from('v')));
    expect(m.key).toEqual(Buffer.from('k'));
    expect(m.value).toEqual(Buffer.from('v'));
    expect(m.headers).toMatchObject({
      h: 'x',
      'starling.source.topic': 'p.db.t',
      'starling.source.partition': '0',
      'starling.source.offset': '42',
      'starling.stage': 'decode',
      'starling.error.code': 'NOT_AVRO',
    });
    expect(String(m.headers['starling.error.message'])).toHaveLength(2000);
    expect(m.headers[TRUNCATED_VALUE_HEADER]).toBeUndefined();
  });

  it('a record near the limit fits with its headers untouched when the topic allows it', () => {
    const value = Buffer.alloc(1_000_000, 1);
    const m = deadLetterMessage(dead(Buffer.from('k'), value), 16 * 1024 * 1024);
    expect(m.value).toBe(value);
  });

  it('cuts the value to fit a smaller topic and says from how many bytes', () => {
    const m = deadLetterMessage(dead(Buffer.from('key'), Buffer.alloc(50_000, 7)), 20_000);
    expect(m.headers[TRUNCATED_VALUE_HEADER]).toBe('50000');
    expect(m.key).toEqual(Buffer.from('key'));
    expect(m.value!.length).toBeGreaterThan(10_000);
    expect(size(m)).toBeLessThanOrEqual(20_000);
  });

  it('cuts the key too when the value alone cannot make room', () => {
    const m = deadLetterMessage(dead(Buffer.alloc(30_000, 1), Buffer.alloc(100, 2)), 20_000);
    expect(m.value).toHaveLength(0);
    expect(m.headers[TRUNCATED_KEY_HEADER]).toBe('30000');
    expect(size(m)).toBeLessThanOrEqual(20_000);
  });
});

describe('chunkBySize', () => {
  const msg = (n: number) => ({ key: null, value: Buffer.alloc(n), headers: {} });

  it('splits sends so that each fits the limit, in order; an oversized one goes alone', () => {
    const chunks = chunkBySize([msg(400), msg(400), msg(400), msg(5000), msg(10)], 2000);
    expect(chunks.map((c) => c.map((m) => m.value.length))).toEqual([[400, 400], [400], [5000], [10]]);
    expect(chunkBySize([msg(10), msg(10), msg(10)], 2000)).toHaveLength(1);
    expect(chunkBySize([], 2000)).toEqual([]);
  });
});

describe('notYetSent / rememberSent', () => {
  const rec = (offset: string, code = 'NOT_AVRO'): DeadRecord => ({
    ...dead(null, Buffer.from('v')),
    message: { key: null, value: null, offset, timestamp: '0', attributes: 0 } as never,
    code,
  });

  it('drops records this process dead-lettered already (read again after a rebalance)', () => {
    const topic = `dlq.g-${Math.random()}`;
    expect(notYetSent(topic, [rec('1'), rec('2')])).toHaveLength(2);
    rememberSent(topic, [rec('1'), rec('2')]);
    expect(notYetSent(topic, [rec('1'), rec('2'), rec('3')]).map((r) => r.message.offset)).toEqual(['3']);
    // Another topic (group), or another verdict on the same record, is not the same letter.
    expect(notYetSent(`${topic}-other`, [rec('1')])).toHaveLength(1);
    expect(notYetSent(topic, [rec('1', 'AVRO_DECODE')])).toHaveLength(1);
  });

  it('remembers a bounded number, forgetting the oldest first', () => {
    const topic = `dlq.bounded-${Math.random()}`;
    rememberSent(topic, [rec('first')]);
    rememberSent(
      topic,
      Array.from({ length: SENT_REMEMBERED }, (_, i) => rec(String(i))),
    );
    expect(notYetSent(topic, [rec('first')])).toHaveLength(1);
    expect(notYetSent(topic, [rec(String(SENT_REMEMBERED - 1))])).toHaveLength(0);
  });
});
