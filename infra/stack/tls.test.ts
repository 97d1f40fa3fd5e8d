import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLocalTls } from './tls.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('ensureLocalTls', () => {
  it.runIf(hasOpenssl)(
    'makes a CA and a server certificate for 127.0.0.1 and localhost that verifies against it, once (needs openssl)',
    () => {
      const conf = mkdtempSync(join(tmpdir(), 'starling-tls-'));
      const tls = ensureLocalTls(conf);
      const verify = spawnSync('openssl', ['verify', '-CAfile', tls.caCert, tls.serverCert], {
        encoding: 'utf8',
      });
      expect(verify.stdout.trim()).toBe(`${tls.serverCert}: OK`);
      const text = spawnSync('openssl', ['x509', '-in', tls.serverCert, '-noout', '-ext', 'subjectAltName'], {
        encoding: 'utf8',
      }).stdout;
      expect(text).toContain('IP Address:127.0.0.1');
      expect(text).toContain('DNS:localhost');
      expect(statSync(tls.serverKey).mode & 0o077).toBe(0);
      // A second call keeps the certificates (clients that pinned the CA keep working).
      const before = readFileSync(tls.caCert, 'utf8');
      expect(ensureLocalTls(conf)).toEqual(tls);
      expect(readFileSync(tls.caCert, 'utf8')).toBe(before);
    },
  );
});
