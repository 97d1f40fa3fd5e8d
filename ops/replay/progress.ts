/** One line of progress: a bar, the percentage, done/total, the rate so far and the time remaining at it. */
export function progressLine(p: { consumed: number; total: number; elapsedS: number }, width = 30): string {
  const fraction = p.total === 0 ? 1 : Math.min(1, p.consumed / p.total);
  const filled = Math.round(fraction * width);
  const rate = p.elapsedS > 0 ? p.consumed / p.elapsedS : 0;
  const left = p.total - p.consumed;
  const eta = left <= 0 ? '0 s' : rate > 0 ? `${Math.ceil(left / rate)} s` : '?';
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${n(p.consumed)}/${n(p.total)}  ${n(rate)} rec/s  remaining ${eta}`;
}
