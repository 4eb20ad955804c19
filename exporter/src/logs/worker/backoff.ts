// Retry delays: exponential from minMs, capped at maxMs, with "equal jitter" (half fixed, half
// random) so that many instances recovering from the same Loki outage do not retry in lockstep,
// yet none retries almost immediately.

export function backoffDelay(retry: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, minMs * 2 ** Math.min(retry - 1, 30));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** A Retry-After header (seconds or an HTTP date) as ms from now, if present and sane. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined || header === '') return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
