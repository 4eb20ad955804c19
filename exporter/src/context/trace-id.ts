import { randomFillSync } from 'node:crypto';

// Trace ids are 16 random bytes as 32 hex chars (W3C trace-context). Random bytes are drawn in
// blocks: one randomFillSync per 512 ids instead of one per request.

const ID_BYTES = 16;
const POOL_IDS = 512;
const pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
let offset = pool.length;

export function newTraceId(): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  // All zeros is invalid in W3C trace-context; astronomically unlikely, but cheap to rule out.
  return id === '00000000000000000000000000000000' ? newTraceId() : id;
}

const isLowerHex = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 97 && code <= 102);

function allLowerHex(s: string, from: number, to: number): boolean {
  let nonZero = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isLowerHex(c)) return false;
    if (c !== 48) nonZero = true;
  }
  return nonZero;
}

/**
 * The trace id of a valid `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`), or undefined.
 * Malformed headers are ignored rather than trusted: version ff, all-zero ids, upper-case hex and
 * wrong lengths are all invalid per the W3C spec. A later version may append fields after a dash.
 */
export function traceIdFromTraceparent(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length < 55) return undefined;
  if (header.charCodeAt(2) !== 45 || header.charCodeAt(35) !== 45 || header.charCodeAt(52) !== 45) return undefined;
  const version = header.slice(0, 2);
  if (version === 'ff' || !isLowerHex(header.charCodeAt(0)) || !isLowerHex(header.charCodeAt(1))) return undefined;
  if (version === '00' && header.length !== 55) return undefined;
  if (header.length > 55 && header.charCodeAt(55) !== 45) return undefined;
  if (!allLowerHex(header, 3, 35) || !allLowerHex(header, 36, 52)) return undefined;
  if (!isLowerHex(header.charCodeAt(53)) || !isLowerHex(header.charCodeAt(54))) return undefined;
  return header.slice(3, 35);
}
