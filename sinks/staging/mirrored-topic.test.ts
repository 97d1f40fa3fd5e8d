import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.js';
import { isMirroredTopic } from './staging-sink.js';

describe('isMirroredTopic', () => {
  const config = loadConfig({ STARLING_TOPIC_PREFIX: 'shop' });

  it('mirrors raw table topics, not Debezium’s signal table nor the web log’s lines', () => {
    expect(isMirroredTopic(config, 'shop.sales.customers')).toBe(true);
    expect(isMirroredTopic(config, 'shop.sales.debezium_signal')).toBe(false);
    expect(isMirroredTopic(config, 'shop.weblog.lines')).toBe(false);
    expect(isMirroredTopic(config, 'shop.weblog.other')).toBe(true);
  });
});
