import { ObjectId } from 'bson';

/** 2024-01-01T00:00:00Z, the creation time every catalog ObjectId claims (its first 4 bytes). */
const EPOCH_SECONDS = 1_704_067_200;

/**
 * The catalog document's _id, derived from its product_id so that the MongoDB seed and the stand-in give
 * every product the same _id on every run: 4 bytes of a fixed timestamp, 4 zero bytes, then product_id as a
 * big-endian unsigned 32-bit number (so the hex ends in the product_id's hex, and ids sort by product_id).
 */
export function catalogObjectId(productId: number): ObjectId {
  if (!Number.isInteger(productId) || productId < 0 || productId > 0xffff_ffff)
    throw new RangeError(`product_id ${productId} is not an unsigned 32-bit integer`);
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(EPOCH_SECONDS, 0);
  bytes.writeUInt32BE(productId, 8);
  return new ObjectId(bytes);
}
