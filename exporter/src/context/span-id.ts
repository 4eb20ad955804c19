import { randomFillSync } from 'node:crypto';

// Span ids for outgoing `traceparent` headers: 8 random bytes as 16 hex chars, a new one per call
// (W3C parent-id). Drawn in blocks like trace ids: one randomFillSync per 1024 ids.

const ID_BYTES = 8;
const POOL_IDS = 1024;
const pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
let offset = pool.length;

export function newSpanId(): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  // All zeros is an invalid parent-id; astronomically unlikely, but cheap to rule out.
  return id === '0000000000000000' ? newSpanId() : id;
}
