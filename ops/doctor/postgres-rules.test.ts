import { describe, expect, it } from 'vitest';
import type { PostgresFacts } from './postgres-facts.js';
import { postgresRules } from './postgres-rules.js';

function facts(over: Partial<PostgresFacts> = {}): PostgresFacts {
  return {
    role: 'staging',
    address: 'postgres://starling:***@127.0.0.1:15432/starling_staging',
    version: '15.18',
    user: 'starling',
    database: 'starling_staging',
    superuser: false,
    canConnect: true,
    canCreate: true,
    trackCommitTimestamp: 'off',
    schemas: [{ name: 'sales', exists: true, usage: true, create: true, notOwned: [] }],
    ...over,
  };
}
const bad = (f: PostgresFacts) => postgresRules(f).filter((x) => x.status !== 'OK');

describe('the PostgreSQL rules', () => {
  it('pass for an owner of everything, reporting version and track_commit_timestamp', () => {
    const all = postgresRules(facts());
    expect(all.every((f) => f.status === 'OK')).toBe(true);
    expect(all.map((f) => f.check)).toEqual([
      'server version',
      'CONNECT',
      'CREATE on database',
      'schema sales',
      'tables in sales',
      'track_commit_timestamp',
    ]);
  });

  it('need CONNECT', () => {
    expect(bad(facts({ canConnect: false }))[0]).toMatchObject({
      status: 'PROBLEM',
      fix: 'GRANT CONNECT ON DATABASE "starling_staging" TO "starling";',
    });
  });

  it('need CREATE on the database when a schema is missing, and only warn otherwise', () => {
    const missing = bad(
      facts({
        canCreate: false,
        schemas: [{ name: 'sales', exists: false, usage: false, create: false, notOwned: [] }],
      }),
    );
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ status: 'PROBLEM', check: 'CREATE on database' });
    expect(missing[0]!.fix).toContain('GRANT CREATE ON DATABASE "starling_staging" TO "starling";');
    expect(missing[0]!.fix).toContain('CREATE SCHEMA "sales" AUTHORIZATION "starling";');
    expect(bad(facts({ canCreate: false }))[0]).toMatchObject({
      status: 'WARN',
      check: 'CREATE on database',
    });
  });

  it('need USAGE and CREATE on an existing schema', () => {
    const f = bad(
      facts({ schemas: [{ name: 'sales', exists: true, usage: false, create: false, notOwned: [] }] }),
    );
    expect(f[0]).toMatchObject({
      status: 'PROBLEM',
      fix: 'GRANT USAGE, CREATE ON SCHEMA "sales" TO "starling";',
    });
    const onlyCreate = bad(
      facts({ schemas: [{ name: 'sales', exists: true, usage: true, create: false, notOwned: [] }] }),
    );
    expect(onlyCreate[0]!.detail).toBe('missing CREATE');
  });

  it('need ownership of the tables Starling alters', () => {
    const f = bad(
      facts({
        schemas: [
          {
            name: 'sales',
            exists: true,
            usage: true,
            create: true,
            notOwned: [{ table: 'sales.customers', owner: 'etl' }],
          },
        ],
      }),
    );
    expect(f[0]).toMatchObject({
      status: 'PROBLEM',
      check: 'tables in sales',
      detail: expect.stringContaining('sales.customers (owner etl)'),
    });
    expect(f[0]!.fix).toContain('GRANT "etl" TO "starling";');
  });

  it('quote identifiers in fixes', () => {
    const f = bad(facts({ user: 'we"ird', canConnect: false }));
    expect(f[0]!.fix).toContain('TO "we""ird";');
  });
});
