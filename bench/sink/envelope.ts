import { parseAvroSchema } from '../../core/codec/types.js';
import type { Change, Row } from './generator.js';

/**
 * Debezium's MariaDB change events, rebuilt byte for byte: the key and value schemas and their registry ids
 * come from records Debezium itself wrote (template.ts), the values from the change plan. The wire format is
 * the one the Apicurio converter writes here (magic byte 0, 4-byte big-endian id, Avro body).
 */
export interface DebeziumTemplate {
  keySchemaId: number;
  valueSchemaId: number;
  keySchema: string;
  valueSchema: string;
  /** A streaming record's source block, as decoded: version, connector, name, db, table, server_id, file... */
  source: Record<string, unknown>;
  /** The headers Debezium puts on every record (__debezium.context.*). */
  headers: Record<string, Buffer>;
}

/** The per-event coordinates of a source block and the envelope's processing times. */
export interface Coordinates {
  snapshot: string | null;
  sourceTsMs: bigint;
  sourceTsUs: bigint | null;
  sourceTsNs: bigint | null;
  serverId: bigint;
  gtid: string | null;
  file: string;
  pos: bigint;
  row: number;
  tsMs: bigint;
  tsUs: bigint;
  tsNs: bigint;
}

type AvroRow = Record<string, unknown>;

export function rowToAvro(r: Row): AvroRow {
  return {
    rowid: r.rowid,
    product_id: r.product_id,
    customer_id: r.customer_id,
    price: r.price,
    quantity: r.quantity,
    timestamp: BigInt(r.timestamp),
    commit_ts: r.commit_ts === null ? null : BigInt(r.commit_ts),
  };
}

export function rowFromAvro(a: AvroRow): Row {
  return {
    rowid: a.rowid as number,
    product_id: a.product_id as number,
    customer_id: a.customer_id as number,
    price: (a.price as string | null) ?? null,
    quantity: a.quantity as number,
    timestamp: Number(a.timestamp as bigint),
    commit_ts: a.commit_ts === null || a.commit_ts === undefined ? null : Number(a.commit_ts as bigint),
  };
}

export function coordinatesOf(
  env: { source: Record<string, unknown> } & Record<string, unknown>,
): Coordinates {
  const s = env.source;
  return {
    snapshot: (s.snapshot as string | null) ?? null,
    sourceTsMs: s.ts_ms as bigint,
    sourceTsUs: (s.ts_us as bigint | null) ?? null,
    sourceTsNs: (s.ts_ns as bigint | null) ?? null,
    serverId: s.server_id as bigint,
    gtid: (s.gtid as string | null) ?? null,
    file: s.file as string,
    pos: s.pos as bigint,
    row: s.row as number,
    tsMs: env.ts_ms as bigint,
    tsUs: env.ts_us as bigint,
    tsNs: env.ts_ns as bigint,
  };
}

export class EnvelopeEncoder {
  private readonly keyType;
  private readonly valueType;
  private readonly keyHeader: Buffer;
  private readonly valueHeader: Buffer;
  /** GTID domain-server of the template ("0-1") and its sequence number, continued by generated events. */
  private readonly gtidPrefix: string;
  private readonly gtidBase: bigint;

  constructor(readonly template: DebeziumTemplate) {
    this.keyType = parseAvroSchema(template.keySchema);
    this.valueType = parseAvroSchema(template.valueSchema);
    this.keyHeader = wireHeader(template.keySchemaId);
    this.valueHeader = wireHeader(template.valueSchemaId);
    const gtid = /^(\d+-\d+)-(\d+)$/.exec(String(template.source.gtid ?? ''));
    this.gtidPrefix = gtid?.[1] ?? '0-1';
    this.gtidBase = BigInt(gtid?.[2] ?? '0') + 1n;
  }

  key(rowid: number): Buffer {
    return Buffer.concat([this.keyHeader, this.keyType.toBuffer({ rowid })]);
  }

  value(op: string, before: Row | null, after: Row | null, c: Coordinates): Buffer {
    const t = this.template.source;
    const envelope = {
      before: before && rowToAvro(before),
      after: after && rowToAvro(after),
      source: {
        version: t.version,
        connector: t.connector,
        name: t.name,
        ts_ms: c.sourceTsMs,
        snapshot: c.snapshot,
        db: t.db,
        sequence: t.sequence ?? null,
        ts_us: c.sourceTsUs,
        ts_ns: c.sourceTsNs,
        table: t.table,
        server_id: c.serverId,
        gtid: c.gtid,
        file: c.file,
        pos: c.pos,
        row: c.row,
        thread: t.thread ?? null,
        query: t.query ?? null,
      },
      transaction: null,
      op,
      ts_ms: c.tsMs,
      ts_us: c.tsUs,
      ts_ns: c.tsNs,
    };
    return Buffer.concat([this.valueHeader, this.valueType.toBuffer(envelope)]);
  }

  /**
   * Coordinates of a generated change: binlog positions after the template's, one GTID per change (each
   * change its own transaction), source times in whole seconds as MariaDB's binlog gives them, and the
   * envelope's processing time about a millisecond after the commit.
   */
  coordinates(change: Change, commitUs: number): Coordinates {
    const t = this.template.source;
    const sourceMs = BigInt(Math.floor(commitUs / 1_000_000) * 1000);
    const tsUs = BigInt(Math.round(commitUs)) + 900n + BigInt(change.seq % 500);
    return {
      snapshot: 'false',
      sourceTsMs: sourceMs,
      sourceTsUs: sourceMs * 1000n,
      sourceTsNs: sourceMs * 1_000_000n,
      serverId: t.server_id as bigint,
      gtid: `${this.gtidPrefix}-${this.gtidBase + BigInt(change.seq)}`,
      file: t.file as string,
      pos: (t.pos as bigint) + 1000n + BigInt(change.seq) * 320n,
      row: 0,
      tsMs: tsUs / 1000n,
      tsUs,
      tsNs: tsUs * 1000n + BigInt(change.seq % 1000),
    };
  }
}

function wireHeader(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(id, 1);
  return b;
}
