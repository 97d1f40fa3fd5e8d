import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceStartError } from './service.js';
import { run } from './sql-tools.js';

/**
 * The local stack's own certificate authority and one server certificate for 127.0.0.1 / localhost, so
 * that TLS (PostgreSQL's `verify-full`) is exercised live against a certificate a client can really verify.
 * Made once with openssl into <home>/conf/tls and kept: clients that pinned the CA keep working across
 * restarts. Local only: the CA's key sits beside it, unprotected, and signs nothing else.
 */
export interface LocalTls {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
}

export function localTlsPaths(conf: string): LocalTls {
  const dir = join(conf, 'tls');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
  };
}

/** The server certificate's subject alternative names: every name a local client may connect by. */
export const SERVER_SAN = 'IP:127.0.0.1,DNS:localhost';

export function ensureLocalTls(conf: string): LocalTls {
  const tls = localTlsPaths(conf);
  if (existsSync(tls.caCert) && existsSync(tls.serverCert) && existsSync(tls.serverKey)) return tls;
  mkdirSync(tls.dir, { recursive: true, mode: 0o700 });
  const caKey = join(tls.dir, 'ca.key');
  const csr = join(tls.dir, 'server.csr');
  const ext = join(tls.dir, 'server.ext');
  const steps: string[][] = [
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', caKey],
    [
      'req',
      '-x509',
      '-new',
      '-key',
      caKey,
      '-sha256',
      '-days',
      '3650',
      '-subj',
      '/CN=Starling local stack CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      tls.caCert,
    ],
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', tls.serverKey],
    ['req', '-new', '-key', tls.serverKey, '-subj', '/CN=localhost', '-out', csr],
  ];
  for (const args of steps) mustRun(args);
  // openssl x509 -req takes the extensions from a file (copying the request's would trust the request).
  writeFileSync(
    ext,
    `subjectAltName=${SERVER_SAN}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  mustRun([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    tls.caCert,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '3650',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    tls.serverCert,
  ]);
  return tls;
}

function mustRun(args: string[]): void {
  const r = run('openssl', args);
  if (!r.ok) {
    throw new ServiceStartError(
      'postgresql',
      `making the local TLS certificates with openssl failed (is the Debian package openssl installed?):\n${r.out.slice(-1000)}`,
    );
  }
}
