/**
 * Which client addresses the web-log stream drops. The course's DAG drops every line of 198.46.149.143; the
 * list is configurable, and addresses are compared in canonical form so `2001:DB8::1`, `2001:db8:0::1` and,
 * for IPv4 clients logged by a dual-stack server, `::ffff:198.46.149.143` match what was configured.
 */
import { isIP } from 'node:net';

/** The course's excluded address, used when nothing is configured. */
export const DEFAULT_EXCLUDED_IPS: readonly string[] = ['198.46.149.143'];

const MAPPED_V4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * The canonical text of an IP address: IPv4 as is, IPv6 in RFC 5952 form (lower case, zeros compressed),
 * an IPv4-mapped IPv6 address as its IPv4 address, a zone (`%eth0`) kept. Returns undefined when `ip` is
 * not an IPv4 or IPv6 address.
 */
export function canonicalIp(ip: string): string | undefined {
  const kind = isIP(ip);
  if (kind === 4) return ip;
  if (kind !== 6) return undefined;
  const zoneAt = ip.indexOf('%');
  const [addr, zone] = zoneAt === -1 ? [ip, ''] : [ip.slice(0, zoneAt), ip.slice(zoneAt)];
  // The WHATWG URL parser already implements RFC 5952 serialisation; it rejects zones, hence the split.
  const canon = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  const mapped = MAPPED_V4.exec(canon);
  if (mapped && zone === '') {
    const [hi, lo] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return canon + zone;
}

/**
 * The excluded addresses from a comma-separated configuration value. Undefined means the course's default
 * (198.46.149.143); an empty or blank string means exclude nothing. Entries are trimmed; every entry that
 * is not an IPv4 or IPv6 address (an empty one included, as in "a,,b") is reported, all at once.
 */
export function parseExcludedIps(text: string | undefined): { ips: Set<string> } | { problems: string[] } {
  if (text === undefined) return { ips: new Set(DEFAULT_EXCLUDED_IPS) };
  if (text.trim() === '') return { ips: new Set() };
  const ips = new Set<string>();
  const problems: string[] = [];
  text.split(',').forEach((raw, i) => {
    const entry = raw.trim();
    const canon = canonicalIp(entry);
    if (canon !== undefined) ips.add(canon);
    else if (entry === '') problems.push(`excluded IP entry ${i + 1} is empty (a stray comma?)`);
    else
      problems.push(`excluded IP entry ${i + 1}, ${JSON.stringify(entry)}, is not an IPv4 or IPv6 address`);
  });
  return problems.length > 0 ? { problems } : { ips };
}

/** True when `ip` is one of `excluded` (a set from parseExcludedIps), compared in canonical form. */
export function isExcluded(ip: string, excluded: ReadonlySet<string>): boolean {
  if (excluded.size === 0) return false;
  return excluded.has(canonicalIp(ip) ?? ip);
}
