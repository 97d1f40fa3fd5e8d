/** Prints rows as an aligned text table: the first column left-aligned, the others right-aligned. */
export function printTable(
  header: Array<string | number>,
  rows: Array<Array<string | number | null>>,
  say: (line: string) => void,
): void {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === null ? '-' : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells)
    say(
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
}
