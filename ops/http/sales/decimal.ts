/*
 * Exact sums of the warehouse's decimal strings (PostgreSQL numeric arrives as text): money is added as
 * scaled BigInts, never as floating point, so a sum the page shows equals the warehouse's to the cent.
 */

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(text: string): Scaled {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function rescale(v: Scaled, scale: number): bigint {
  return v.units * 10n ** BigInt(scale - v.scale);
}

/**
 * The exact sum of decimal strings; NULLs are skipped as SQL's SUM skips them. With no value at all the
 * sum is "0" (a zero-filled month), written with `emptyScale` decimals.
 */
export function sumDecimals(values: ReadonlyArray<string | null>, emptyScale = 2): string {
  const parsed = values.filter((v): v is string => v !== null).map(parse);
  if (parsed.length === 0) return emptyScale > 0 ? `0.${'0'.repeat(emptyScale)}` : '0';
  const scale = Math.max(...parsed.map((p) => p.scale));
  const total = parsed.reduce((s, p) => s + rescale(p, scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}
