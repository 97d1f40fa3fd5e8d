/** A value of one column in a COPY row: null is SQL NULL; numbers and strings are written as their text. */
export type CopyValue = string | number | null;

/**
 * One field in PostgreSQL's COPY text format: `\N` for NULL, and the characters that would end a field or a
 * row (backslash, tab, newline, carriage return) escaped, so any text — a search term with a tab — survives.
 * Throws a RangeError for a number that is not finite (COPY would read "NaN" into an integer column as an
 * error far from its cause).
 */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`${v} cannot be written to a COPY row`);
    return String(v);
  }
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** Rows as COPY text, one line each (tab-separated, newline-terminated), in chunks of at most `perChunk` rows. */
export function copyChunks(rows: readonly (readonly CopyValue[])[], perChunk = 5000): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < rows.length; i += perChunk)
    chunks.push(
      rows
        .slice(i, i + perChunk)
        .map((r) => `${r.map(copyField).join('\t')}\n`)
        .join(''),
    );
  return chunks;
}
