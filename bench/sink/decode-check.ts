import type { AvroCodec } from '../../core/codec/avro-codec.js';
import { mapChange } from '../../sinks/envelope/dispatch.js';
import type { Change } from './generator.js';

/**
 * Reads generated records back with Starling's own codec and envelope mapper, and checks that each one
 * says what the plan said (operation, key, row). Samples: the first 1,000 records, then every 1,000th.
 */
export class DecodeCheck {
  checked = 0;
  readonly problems: string[] = [];
  private seen = 0;

  constructor(private readonly codec: AvroCodec) {}

  sample(change: Change, key: Buffer, value: Buffer): void {
    this.seen++;
    if (this.seen > 1000 && this.seen % 1000 !== 0) return;
    this.checked++;
    try {
      const k = this.codec.decodeCached<Record<string, unknown>>(key);
      const v = this.codec.decodeCached<Record<string, unknown>>(value);
      if (!k || !v) throw new Error('schema not prepared');
      const e = mapChange(k, v, String(this.seen));
      const want = change.after;
      const ok =
        e.op === change.op &&
        Number(e.key.rowid) === change.key &&
        (want === null
          ? e.row === null
          : e.row !== null &&
            Number(e.row.rowid) === want.rowid &&
            Number(e.row.quantity) === want.quantity &&
            (e.row.price ?? null) === want.price);
      if (!ok && this.problems.length < 5)
        this.problems.push(
          `change ${change.seq} (${change.op} ${change.key}) decodes as ${e.op} ${e.key.rowid}`,
        );
    } catch (err) {
      if (this.problems.length < 5) this.problems.push(`change ${change.seq}: ${(err as Error).message}`);
    }
  }
}
