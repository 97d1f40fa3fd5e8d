/**
 * Source epochs in positions. A MariaDB/MySQL position is `b:<file seq>:<event pos>:<row>:<kafka offset>`
 * (sinks/envelope/relational.ts), compared as text by every position guard. After RESET MASTER, a rebuilt
 * server or a failover the binlog coordinates start again from low values, so the position gains the source
 * epoch in front: epoch 0 keeps the `b:` form unchanged (rows written before epochs existed stay comparable),
 * epoch n > 0 is `e:<n, 6 digits>:<the rest>`. 'e' sorts after 'b', and a fixed-width epoch sorts epochs in
 * order, so every change of epoch n orders after every change of the epochs before it.
 */

export interface BinlogCoordinates {
  seq: bigint;
  pos: bigint;
  row: number;
}

const EPOCH_DIGITS = 6;
export const MAX_EPOCH = 10 ** EPOCH_DIGITS - 1;

/** The binlog coordinates and epoch of a relational position; undefined for any other kind (MongoDB). */
export function parseBinlogPosition(
  position: string,
): { epoch: number; coords: BinlogCoordinates; offset: string } | undefined {
  const m = /^(?:b|e:(\d{6})):(\d+):(\d+):(\d+):(\d+)$/.exec(position);
  if (!m) return undefined;
  return {
    epoch: m[1] === undefined ? 0 : Number(m[1]),
    coords: { seq: BigInt(m[2]!), pos: BigInt(m[3]!), row: Number(m[4]) },
    offset: m[5]!.replace(/^0+(?=\d)/, ''),
  };
}

/** The position of epoch `epoch` for a `b:` position (epoch 0 returns it unchanged). */
export function withEpoch(position: string, epoch: number): string {
  if (epoch === 0) return position;
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH)
    throw new RangeError(`source epoch ${epoch} is outside 0..${MAX_EPOCH}`);
  if (!position.startsWith('b:')) throw new RangeError(`not a binlog position: ${position}`);
  return `e:${String(epoch).padStart(EPOCH_DIGITS, '0')}:${position.slice(2)}`;
}

/** -1, 0 or 1 as binlog coordinates order (file sequence, then event position, then row). */
export function compareCoordinates(a: BinlogCoordinates, b: BinlogCoordinates): number {
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  if (a.pos !== b.pos) return a.pos < b.pos ? -1 : 1;
  return a.row === b.row ? 0 : a.row < b.row ? -1 : 1;
}

export function formatCoordinates(c: BinlogCoordinates): string {
  return `${c.seq}:${c.pos}:${c.row}`;
}
