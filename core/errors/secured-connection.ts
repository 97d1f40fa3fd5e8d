import { UserError } from './user-error.js';

/**
 * Failures of a secured connection that the user fixes in the configuration (wrong credentials, a CA that
 * did not sign the server's certificate, a host name the certificate does not name), recognised from the
 * drivers' errors so the CLI reports them as one plain message with exit code 2 instead of a stack trace.
 * Returns undefined for anything else. The message names the settings to check, never their values.
 */
export function securedConnectionError(e: unknown): UserError | undefined {
  for (
    let cur = e as (Error & { code?: unknown; cause?: unknown }) | undefined, depth = 0;
    cur && depth < 5;
    depth++
  ) {
    if (cur.name === 'KafkaJSSASLAuthenticationError') {
      return new UserError(
        `Kafka refused the login (${cur.message}). Check STARLING_KAFKA_SASL_USERNAME, STARLING_KAFKA_SASL_PASSWORD and STARLING_KAFKA_SASL_MECHANISM.`,
        'KAFKA_AUTH_FAILED',
      );
    }
    if (cur.code === '28P01' || cur.code === '28000') {
      return new UserError(
        `PostgreSQL refused the login (${cur.message}). Check the user and password in the PostgreSQL URLs.`,
        'POSTGRES_AUTH_FAILED',
      );
    }
    if (typeof cur.code === 'string' && TLS_VERIFY_CODES.has(cur.code)) {
      return new UserError(
        `a server's TLS certificate could not be verified (${cur.code}: ${cur.message}). Check the CA file (STARLING_*_SSL_CA_FILE or sslrootcert) and that the host you connect to is named in the certificate.`,
        'TLS_VERIFY_FAILED',
      );
    }
    cur = cur.cause as typeof cur;
  }
  return undefined;
}

/** Node's codes for a certificate that fails verification. */
const TLS_VERIFY_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_SIGNATURE_FAILURE',
]);
