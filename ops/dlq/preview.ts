import type { AvroCodec } from '../../core/codec/avro-codec.js';

/**
 * A bounded, printable view of a dead letter's key or value: decoded when it is Avro in the Confluent wire
 * format and the registry has its schema, else the first bytes as hex and base64 (and as text when they
 * are printable). Nothing here grows with the record: a 16 MiB value previews in a few hundred characters.
 */
export type Preview =
  | { kind: 'null' }
  | {
      kind: 'avro';
      schemaId: number;
      /** the decoded record as JSON text, cut at the limit */
      json: string;
      truncated: boolean;
      /** the decoded record (JSON-safe), only when it was not cut */
      value?: unknown;
    }
  | {
      kind: 'bytes';
      length: number;
      /** why it was not decoded */
      reason: string;
      hex: string;
      base64: string;
      /** the bytes as text, when the previewed part is printable UTF-8 */
      text?: string;
      truncated: boolean;
    };

export const JSON_PREVIEW_CHARS = 2000;
export const BYTES_PREVIEW = 48;

/**
 * A value as plain JSON data: longs (bigint) as strings, bytes as `\x…` hex (at most 64 bytes shown),
 * dates as ISO strings. Arrays and objects are walked, other values kept.
 */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return `\\x${b.subarray(0, 64).toString('hex')}${b.length > 64 ? `…(${b.length} bytes)` : ''}`;
  }
  if (v instanceof Date) return v.toISOString();
  if (depth > 32) return '…';
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonSafe(x, depth + 1);
    return out;
  }
  return v;
}

export function avroPreview(schemaId: number, value: unknown, maxChars = JSON_PREVIEW_CHARS): Preview {
  const safe = jsonSafe(value);
  const text = JSON.stringify(safe) ?? 'null';
  const truncated = text.length > maxChars;
  return truncated
    ? { kind: 'avro', schemaId, json: `${text.slice(0, maxChars)}…`, truncated }
    : { kind: 'avro', schemaId, json: text, truncated, value: safe };
}

/** Printable: no control characters other than tab and newline, and valid UTF-8. */
function printable(buf: Buffer): string | undefined {
  const text = buf.toString('utf8');
  // A cut in the middle of a multi-byte character leaves one replacement character at the end: allowed.
  const body = text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
  if (body.includes('\uFFFD')) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(body)) return undefined;
  return body;
}

export function bytesPreview(buf: Buffer, reason: string, maxBytes = BYTES_PREVIEW): Preview {
  const head = buf.subarray(0, maxBytes);
  const text = printable(head);
  return {
    kind: 'bytes',
    length: buf.length,
    reason,
    hex: head.toString('hex'),
    base64: head.toString('base64'),
    ...(text === undefined ? {} : { text }),
    truncated: buf.length > maxBytes,
  };
}

/** Decodes through the codec when it can; any failure (not Avro, unknown schema, registry down) previews bytes. */
export async function previewOf(codec: AvroCodec, buf: Buffer | null): Promise<Preview> {
  if (buf === null) return { kind: 'null' };
  if (buf.length === 0) return bytesPreview(buf, 'empty');
  try {
    const d = await codec.decode(buf);
    if (d === null) return { kind: 'null' };
    return avroPreview(d.schemaId, d.value);
  } catch (e) {
    return bytesPreview(buf, (e as Error).message);
  }
}

/** One line: the JSON, or `N bytes (reason): hex … text "…"`. */
export function previewLine(p: Preview): string {
  switch (p.kind) {
    case 'null':
      return 'null';
    case 'avro':
      return `${p.json}  (Avro, schema ${p.schemaId}${p.truncated ? ', cut' : ''})`;
    case 'bytes': {
      const more = p.truncated ? '…' : '';
      const text = p.text === undefined ? '' : `, text ${JSON.stringify(p.text)}${more}`;
      return `${p.length} bytes, not decoded (${p.reason}): hex ${p.hex}${more}${text}`;
    }
  }
}
