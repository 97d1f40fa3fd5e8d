/** Distribution of a sample (ms): count and percentiles by nearest rank, rounded to 0.1. */
export interface Percentiles {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentiles(values: number[]): Percentiles {
  const v = Float64Array.from(values).sort();
  const at = (q: number) =>
    v.length ? round(v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]!, 1) : null;
  return {
    n: v.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: v.length ? round(v[v.length - 1]!, 1) : null,
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
