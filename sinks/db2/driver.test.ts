import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { db2ConnectionString, loadIbmDb } from './driver.js';

describe('db2ConnectionString', () => {
  it('converts a db2:// URL to the CLI form', () => {
    expect(db2ConnectionString('db2://db2inst1:s3cret@db.example.com:50001/STAGING')).toBe(
      'DATABASE=STAGING;HOSTNAME=db.example.com;PORT=50001;PROTOCOL=TCPIP;UID=db2inst1;PWD=s3cret;',
    );
  });

  it('adds Security=SSL, defaults the port and decodes escapes', () => {
    expect(db2ConnectionString('db2://u:p%40ss@h/DB?security=SSL')).toBe(
      'DATABASE=DB;HOSTNAME=h;PORT=50000;PROTOCOL=TCPIP;UID=u;PWD=p@ss;Security=SSL;',
    );
  });

  it('braces values holding a separator', () => {
    expect(db2ConnectionString('db2://u:a%3Bb%7Dc@h:1/DB')).toContain('PWD={a;b}}c};');
  });

  it('reports problems without the password', () => {
    const cases = [
      'db2://u:hunter2@h:1/',
      'db2://:hunter2@h:1/DB',
      'db2://u:hunter2@h:1/DB?security=TLS9',
      'db2://u:hunter2@h:1/DB?sslmode=require',
      'postgres://u:hunter2@h:1/DB',
    ];
    for (const url of cases) {
      let err: unknown;
      try {
        db2ConnectionString(url);
      } catch (e) {
        err = e;
      }
      expect(err, url).toBeInstanceOf(UserError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

describe('loadIbmDb', () => {
  it('explains how to install ibm_db when it is absent (it is here)', async () => {
    const err = await loadIbmDb().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'DB2_DRIVER_MISSING' });
    expect((err as Error).message).toContain('IBM_DB_HOME');
    expect((err as Error).message).toContain('npm install ibm_db');
  });

  it('tells a broken install from a missing one', async () => {
    const err = await loadIbmDb(() =>
      Promise.reject(new Error('libdb2.so.1: cannot open shared object')),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DB2_DRIVER_UNUSABLE' });
  });

  it('returns the CommonJS exports of the module', async () => {
    const open = async () => ({}) as never;
    const api = await loadIbmDb(async () => ({ default: { open } }));
    expect(api.open).toBe(open);
  });
});
