import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirFor } from '../../seeds/source.js';
import { isLineProblem, parseCombinedLine } from './combined-log.js';
import { canonicalIp, isExcluded, parseExcludedIps } from './exclusion.js';

function ips(text: string | undefined): Set<string> {
  const r = parseExcludedIps(text);
  if ('problems' in r) throw new Error(r.problems.join('; '));
  return r.ips;
}

describe('parseExcludedIps', () => {
  it("defaults to the course's 198.46.149.143 when nothing is configured", () => {
    expect([...ips(undefined)]).toEqual(['198.46.149.143']);
  });

  it('excludes nothing for an empty or blank value', () => {
    expect(ips('').size).toBe(0);
    expect(ips('  ').size).toBe(0);
    expect(isExcluded('198.46.149.143', ips(''))).toBe(false);
  });

  it('reads a comma-separated list of IPv4 and IPv6 addresses, trimming spaces', () => {
    expect([...ips(' 10.0.0.1 ,2001:DB8::1,::1')]).toEqual(['10.0.0.1', '2001:db8::1', '::1']);
  });

  it('lists every invalid entry, with its position', () => {
    expect(parseExcludedIps('10.0.0.1,,example.com, 10.0.0.300,1.2.3.4/24,')).toEqual({
      problems: [
        'excluded IP entry 2 is empty (a stray comma?)',
        'excluded IP entry 3, "example.com", is not an IPv4 or IPv6 address',
        'excluded IP entry 4, "10.0.0.300", is not an IPv4 or IPv6 address',
        'excluded IP entry 5, "1.2.3.4/24", is not an IPv4 or IPv6 address',
        'excluded IP entry 6 is empty (a stray comma?)',
      ],
    });
  });
});

describe('isExcluded and canonicalIp', () => {
  it('matches IPv6 addresses whatever their spelling', () => {
    const set = ips('2001:db8::1');
    expect(isExcluded('2001:DB8:0:0:0:0:0:1', set)).toBe(true);
    expect(isExcluded('2001:db8::2', set)).toBe(false);
  });

  it('matches an IPv4 client logged as an IPv4-mapped IPv6 address', () => {
    expect(isExcluded('::ffff:198.46.149.143', ips(undefined))).toBe(true);
    expect(canonicalIp('::FFFF:c62e:958f')).toBe('198.46.149.143');
  });

  it('keeps zones and rejects what is not an address', () => {
    expect(canonicalIp('FE80::1%eth0')).toBe('fe80::1%eth0');
    expect(canonicalIp('198.46.149.1430')).toBeUndefined();
    expect(isExcluded('not-an-ip', ips(undefined))).toBe(false);
  });
});

const dir = dataDirFor(undefined);
const file = dir === undefined ? undefined : join(dir, 'accesslog.txt');
const present = file !== undefined && existsSync(file);

describe("the course's accesslog.txt", () => {
  it.skipIf(!present)(
    `keeps every line whose first field is not 198.46.149.143 (needs the course's accesslog.txt${present ? '' : ': not found beside the clone or in STARLING_SOFTCART_DIR, so skipped'})`,
    () => {
      const lines = readFileSync(file!, 'utf8').split('\n').slice(0, -1);
      // Independent of the parser: the course DAG's `cut -d" " -f1`.
      const firstField = (l: string) => l.split(/\s+/)[0];
      const expectedKept = lines.filter((l) => firstField(l) !== '198.46.149.143').length;
      const expectedExcluded = lines.length - expectedKept;

      const excluded = ips(undefined);
      let [kept, dropped, deadLettered] = [0, 0, 0];
      for (const l of lines) {
        const r = parseCombinedLine(l);
        if (isLineProblem(r)) deadLettered++;
        else if (isExcluded(r.clientIp, excluded)) dropped++;
        else kept++;
      }
      expect([expectedKept, expectedExcluded]).toEqual([9918, 82]);
      expect(dropped).toBe(expectedExcluded);
      // Every line parses (8899, cut short in its user agent, included), so the kept lines are the DAG's.
      expect(deadLettered).toBe(0);
      expect(kept).toBe(expectedKept);
    },
  );
});
