import { describe, expect, it } from 'vitest';
import { compatibilityFix, levelFinding, registryRules } from './registry-rules.js';

const URL = 'http://127.0.0.1:18081/apis/ccompat/v7';

describe('the registry rules', () => {
  it('accept NONE, warn about BACKWARD, refuse the levels that reject Debezium schema changes', () => {
    expect(levelFinding('global compatibility', 'NONE', '').status).toBe('OK');
    expect(levelFinding('global compatibility', 'BACKWARD', '').status).toBe('WARN');
    for (const level of ['FORWARD', 'FULL', 'BACKWARD_TRANSITIVE', 'FORWARD_TRANSITIVE', 'FULL_TRANSITIVE'])
      expect(levelFinding('x', level, '').status).toBe('PROBLEM');
    expect(levelFinding('x', 'FULL_TRANSITIVE', '').why).toContain('any earlier version');
  });

  it('fix with the ccompat PUT /config call', () => {
    expect(compatibilityFix(URL)).toBe(
      `curl -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data '{"compatibility":"NONE"}' ${URL}/config`,
    );
    expect(compatibilityFix(URL, 'a.b-value')).toContain(`${URL}/config/a.b-value`);
  });

  it('report subjects only where they differ from the global level', () => {
    const findings = registryRules({
      url: URL,
      global: 'NONE',
      subjects: [
        { subject: 'softcart.sales.customers-value', level: 'NONE' },
        { subject: 'softcart.sales.t-value', level: 'FULL' },
      ],
    });
    expect(findings.map((f) => [f.status, f.check])).toEqual([
      ['OK', 'global compatibility'],
      ['PROBLEM', 'subject softcart.sales.t-value'],
      ['OK', 'subjects'],
    ]);
    expect(findings[1]!.fix).toContain(`${URL}/config/softcart.sales.t-value`);
    expect(findings[2]!.detail).toBe('2 under the prefix, 1 at the global level');
  });

  it('flag a global level that rejects changes', () => {
    const [g] = registryRules({ url: URL, global: 'FORWARD', subjects: [] });
    expect(g).toMatchObject({ status: 'PROBLEM', check: 'global compatibility' });
    expect(g!.fix).toContain(`${URL}/config`);
  });
});
