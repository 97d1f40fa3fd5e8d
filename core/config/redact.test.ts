import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('masks the password and keeps the rest of the URL', () => {
    expect(redactUrl('postgres://admin:s3cret@pg.example:5432/warehouse')).toBe(
      'postgres://admin:***@pg.example:5432/warehouse',
    );
    expect(redactUrl('https://user:hunter2@registry.example/apis')).toBe(
      'https://user:***@registry.example/apis',
    );
  });

  it('masks a percent-encoded password entirely', () => {
    const out = redactUrl('mysql://u:p%40ss@db:3307');
    expect(out).toBe('mysql://u:***@db:3307');
    expect(out).not.toContain('p%40ss');
  });

  it('masks secret-like query parameters and keeps the others', () => {
    expect(redactUrl('postgres://pg:5432/db?password=abc&sslmode=require')).toBe(
      'postgres://pg:5432/db?password=***&sslmode=require',
    );
    const out = redactUrl('http://h:8080/x?api_key=k1&accessToken=t1&client_secret=s1&PassPhrase=p1&page=2');
    expect(out).toBe('http://h:8080/x?api_key=***&accessToken=***&client_secret=***&PassPhrase=***&page=2');
  });

  it('masks the password and the query parameters together', () => {
    const out = redactUrl('postgresql://u:pw1@h/db?sslpassword=pw2');
    expect(out).toBe('postgresql://u:***@h/db?sslpassword=***');
  });

  it('keeps a URL without a password unchanged, adding no trailing slash', () => {
    for (const url of [
      'http://127.0.0.1:18081',
      'http://127.0.0.1:18083/',
      'https://registry.example/apis/ccompat/v7',
      'postgres://pg.example:5432',
      'postgres://starling@127.0.0.1:15432/postgres',
      'mongodb://mongo:27017',
      'http://h/x?page=2&sort=asc',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it('masks what looks like credentials in text that is not a URL', () => {
    expect(redactUrl('not a url: mysql://root:pw@db')).toBe('not a url: mysql://root:***@db');
    expect(redactUrl('plain text')).toBe('plain text');
  });
});

describe('redactText', () => {
  it('masks every credential inside free text', () => {
    const text =
      'connect ECONNREFUSED postgres://admin:s3cret@pg:5432/db (retrying mysql://root:hunter2@db:3306)';
    const out = redactText(text);
    expect(out).toBe(
      'connect ECONNREFUSED postgres://admin:***@pg:5432/db (retrying mysql://root:***@db:3306)',
    );
    expect(out).not.toContain('s3cret');
    expect(out).not.toContain('hunter2');
  });

  it('leaves text without credentials alone', () => {
    const text = 'topic softcart.sales.orders at http://127.0.0.1:18081/apis, user starling@localhost';
    expect(redactText(text)).toBe(text);
  });

  it('masks every occurrence of each listed secret', () => {
    const out = redactText('password p@ss rejected; retried with p@ss; token=tok-123', ['p@ss', 'tok-123']);
    expect(out).toBe('password *** rejected; retried with ***; token=***');
  });

  it('masks both URL credentials and listed secrets', () => {
    const out = redactText('failed for mysql://u:p%40ss@db:3307 (password p@ss)', ['p@ss']);
    expect(out).toBe('failed for mysql://u:***@db:3307 (password ***)');
  });

  it('does not mask secrets shorter than three characters (they would mangle ordinary text)', () => {
    expect(redactText('a table named ab', ['ab', ''])).toBe('a table named ab');
  });
});

describe('redactText: secured connections', () => {
  it('masks a JAAS password, a PEM key among the secrets and URLs with passwords in driver errors', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n';
    const text = [
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="cdc" password="p\\"w";',
      `key: ${key}`,
      'connect to postgres://role:r0le-pw@localhost:15432/db?sslmode=verify-full failed',
    ].join('\n');
    const out = redactText(text, [key]);
    expect(out).toContain('username="cdc" password="***";');
    expect(out).not.toContain('p\\"w');
    expect(out).not.toContain('MIGHAgEAMBMGByqGSM49');
    expect(out).toContain('postgres://role:***@localhost:15432/db?sslmode=verify-full');
  });
});
