import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../../core/kafka/client.js';
import { headerText, originalHeaders, parseLetter } from './letter.js';

const message = (headers: KafkaMessage['headers'], offset = '7'): KafkaMessage =>
  ({
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    timestamp: '1700000000000',
    offset,
    headers,
    attributes: 0,
    size: 0,
  }) as KafkaMessage;

describe('dead letters as read back', () => {
  it('reads the starling.* headers and keeps the original headers apart', () => {
    const l = parseLetter(
      'dlq.g',
      0,
      message({
        traceparent: Buffer.from('00-abc'),
        'starling.source.topic': Buffer.from('p.db.t'),
        'starling.source.partition': Buffer.from('2'),
        'starling.source.offset': Buffer.from('41'),
        'starling.stage': Buffer.from('write'),
        'starling.error.code': Buffer.from('23514'),
        'starling.error.message': Buffer.from('value violates check'),
      }),
    );
    expect(l).toMatchObject({
      dlqTopic: 'dlq.g',
      dlqPartition: 0,
      dlqOffset: 7,
      timestampMs: 1_700_000_000_000,
      sourceTopic: 'p.db.t',
      sourcePartition: 2,
      sourceOffset: '41',
      stage: 'write',
      code: '23514',
      message: 'value violates check',
    });
    expect(Object.keys(l.headers)).toEqual(['traceparent']);
    expect(l.key!.toString()).toBe('k');
  });

  it('leaves missing or malformed headers empty', () => {
    const l = parseLetter('dlq.g', 0, message({ 'starling.source.partition': Buffer.from('x') }));
    expect(l).toMatchObject({
      sourceTopic: null,
      sourcePartition: null,
      sourceOffset: null,
      stage: null,
      code: 'UNKNOWN',
      message: '',
    });
    expect(parseLetter('dlq.g', 0, message(undefined)).headers).toEqual({});
  });

  it('marks a letter whose key or value was cut to fit the dead-letter topic', () => {
    expect(parseLetter('dlq.g', 0, message({})).truncated).toBe(false);
    expect(
      parseLetter('dlq.g', 0, message({ 'starling.value.truncated.from.bytes': Buffer.from('20000000') }))
        .truncated,
    ).toBe(true);
    expect(
      parseLetter('dlq.g', 0, message({ 'starling.key.truncated.from.bytes': Buffer.from('9') })).truncated,
    ).toBe(true);
  });

  it('takes the last value of a repeated header; drops only starling.* headers', () => {
    expect(headerText({ a: [Buffer.from('1'), Buffer.from('2')] }, 'a')).toBe('2');
    expect(headerText({}, 'a')).toBeNull();
    expect(originalHeaders({ 'starling.stage': 'x', starling: 'kept', 'x-starling.y': 'kept' })).toEqual({
      starling: 'kept',
      'x-starling.y': 'kept',
    });
  });
});
