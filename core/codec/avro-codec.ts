import type { RegistryClient } from './registry-client.js';
import { type AvroType, parseAvroSchema } from './types.js';

/**
 * Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro binary body.
 * Decoding fails with a coded error (so the caller can dead-letter the record) on anything else.
 */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_AVRO' | 'UNKNOWN_SCHEMA_ID' | 'AVRO_DECODE',
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

export interface Decoded<T = unknown> {
  schemaId: number;
  type: AvroType;
  /** The schema as the registry holds it (JSON), with every attribute (connect.name, defaults, ...). */
  schema: Record<string, unknown>;
  value: T;
}

interface Compiled {
  type: AvroType;
  schema: Record<string, unknown>;
}

export class AvroCodec {
  private readonly types = new Map<number, Promise<Compiled>>();
  /** Schemas already fetched and compiled: decoding with them needs no await (the hot path). */
  private readonly ready = new Map<number, Compiled>();

  constructor(private readonly registry: RegistryClient) {}

  private typeFor(id: number): Promise<Compiled> {
    let t = this.types.get(id);
    if (!t) {
      t = this.registry.schemaById(id).then((s) => {
        const compiled = { type: parseAvroSchema(s), schema: JSON.parse(s) };
        this.ready.set(id, compiled);
        return compiled;
      });
      this.types.set(id, t);
      t.catch(() => this.types.delete(id));
    }
    return t;
  }

  /**
   * Decodes without waiting when the record's schema is already compiled (the hot path); `undefined` means
   * it is not yet (call `decode`). Throws CodecError like `decode`.
   */
  decodeCached<T = unknown>(buf: Buffer | null): Decoded<T> | null | undefined {
    if (buf === null || buf.length === 0) return null;
    const schemaId = wireSchemaId(buf);
    const compiled = this.ready.get(schemaId);
    return compiled ? body<T>(schemaId, compiled, buf) : undefined;
  }

  async decode<T = unknown>(buf: Buffer | null): Promise<Decoded<T> | null> {
    if (buf === null || buf.length === 0) return null;
    const schemaId = wireSchemaId(buf);
    let compiled: Compiled;
    try {
      compiled = await this.typeFor(schemaId);
    } catch (e) {
      if ((e as { code?: string }).code === 'UNKNOWN_SCHEMA_ID')
        throw new CodecError((e as Error).message, 'UNKNOWN_SCHEMA_ID');
      throw e; // registry unreachable: transient, the caller retries
    }
    return body<T>(schemaId, compiled, buf);
  }

  /** Fetches and compiles a schema now (at start), so later encodes and decodes need no registry. */
  async prepare(schemaId: number): Promise<void> {
    await this.typeFor(schemaId);
  }

  async encode(schemaId: number, value: unknown): Promise<Buffer> {
    const { type } = await this.typeFor(schemaId);
    const header = Buffer.alloc(5);
    header.writeUInt32BE(schemaId, 1);
    return Buffer.concat([header, type.toBuffer(value)]);
  }
}

function wireSchemaId(buf: Buffer): number {
  if (buf.length < 5 || buf[0] !== 0)
    throw new CodecError('not in the Confluent Avro wire format', 'NOT_AVRO');
  return buf.readUInt32BE(1);
}

function body<T>(schemaId: number, compiled: Compiled, buf: Buffer): Decoded<T> {
  try {
    const value = compiled.type.fromBuffer(buf.subarray(5)) as T;
    return { schemaId, type: compiled.type, schema: compiled.schema, value };
  } catch (e) {
    throw new CodecError(
      `Avro body does not match schema ${schemaId}: ${(e as Error).message}`,
      'AVRO_DECODE',
    );
  }
}
