import { describe, expect, it } from 'vitest';
import { securedConnectionError } from './secured-connection.js';
import { UserError } from './user-error.js';

const error = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('securedConnectionError', () => {
  it('turns a refused Kafka login into a user error naming the settings, also when wrapped', () => {
    const sasl = error('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA256 authentication failed');
    for (const e of [sasl, error('KafkaJSNonRetriableError', 'wrapped', { cause: sasl })]) {
      const u = securedConnectionError(e);
      expect(u).toBeInstanceOf(UserError);
      expect(u?.code).toBe('KAFKA_AUTH_FAILED');
      expect(u?.exitCode).toBe(2);
      expect(u?.message).toContain('STARLING_KAFKA_SASL_PASSWORD');
    }
  });

  it('recognises PostgreSQL login failures and certificates that fail verification', () => {
    expect(
      securedConnectionError(error('error', 'password authentication failed', { code: '28P01' }))?.code,
    ).toBe('POSTGRES_AUTH_FAILED');
    expect(
      securedConnectionError(error('Error', 'self-signed', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))?.code,
    ).toBe('TLS_VERIFY_FAILED');
    expect(
      securedConnectionError(error('Error', 'altname', { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))?.code,
    ).toBe('TLS_VERIFY_FAILED');
  });

  it('leaves every other error alone (our bugs keep their stack)', () => {
    expect(securedConnectionError(new TypeError('x is undefined'))).toBeUndefined();
    expect(
      securedConnectionError(error('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(securedConnectionError(undefined)).toBeUndefined();
  });
});
