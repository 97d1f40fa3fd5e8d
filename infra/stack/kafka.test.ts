import { describe, expect, it } from 'vitest';
import { kafkaListenerProps } from './kafka.js';

describe('kafkaListenerProps', () => {
  const props = kafkaListenerProps({ port: 19092, controllerPort: 19093, saslPort: 19094 });

  it('adds a SASL_PLAINTEXT listener on loopback beside PLAINTEXT, which stays the inter-broker listener', () => {
    expect(props.listeners).toBe(
      'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,SASL_PLAINTEXT://127.0.0.1:19094',
    );
    expect(props['advertised.listeners']).toBe(
      'PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19094',
    );
    expect(props['inter.broker.listener.name']).toBe('PLAINTEXT');
    expect(props['listener.security.protocol.map']).toContain('SASL_PLAINTEXT:SASL_PLAINTEXT');
  });

  it('enables PLAIN (a JAAS user) and both SCRAM mechanisms on that listener only', () => {
    expect(props['listener.name.sasl_plaintext.sasl.enabled.mechanisms']).toBe(
      'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    );
    expect(props['listener.name.sasl_plaintext.plain.sasl.jaas.config']).toMatch(
      /^org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required user_starling="[^"]+";$/,
    );
    for (const m of ['scram-sha-256', 'scram-sha-512']) {
      expect(props[`listener.name.sasl_plaintext.${m}.sasl.jaas.config`]).toBe(
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      );
    }
    expect(Object.keys(props).some((k) => k.startsWith('sasl.'))).toBe(false);
  });
});
