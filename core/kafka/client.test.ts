import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { kafkaOptionsFrom } from './client.js';

describe('kafkaOptionsFrom', () => {
  it('carries the brokers with their SASL and TLS, whatever else the call site asks for', () => {
    const config = loadConfig({
      STARLING_KAFKA_BROKERS: 'k1:9094',
      STARLING_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      STARLING_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      STARLING_KAFKA_SASL_USERNAME: 'u',
      STARLING_KAFKA_SASL_PASSWORD: 'p',
    });
    expect(kafkaOptionsFrom(config, { clientId: 'x', retries: 0 })).toEqual({
      brokers: ['k1:9094'],
      clientId: 'x',
      retries: 0,
      ssl: undefined,
      sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' },
    });
  });

  it('is plain brokers for the default configuration', () => {
    expect(kafkaOptionsFrom(loadConfig({}))).toEqual({
      brokers: ['127.0.0.1:19092'],
      ssl: undefined,
      sasl: undefined,
    });
  });
});
