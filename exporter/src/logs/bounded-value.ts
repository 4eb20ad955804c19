// Copies arbitrary user data (custom event metadata, captureException extras) into something
// JSON-safe and small: bounded depth, keys, string length and total size; cycles, BigInts,
// functions and Errors made harmless. Never throws. Reports whether anything was cut.

export interface Bounds {
  /** Approximate JSON size budget for the whole value. */
  maxBytes: number;
  maxDepth: number;
  maxKeys: number;
  maxString: number;
}

export const DEFAULT_BOUNDS: Bounds = { maxBytes: 16 * 1024, maxDepth: 6, maxKeys: 100, maxString: 2048 };

export interface BoundedResult {
  value: unknown;
  truncated: boolean;
}

export function boundedCopy(input: unknown, bounds: Bounds = DEFAULT_BOUNDS): BoundedResult {
  let budget = bounds.maxBytes;
  let truncated = false;
  const seen = new WeakSet<object>();

  const cut = (s: string, max: number): string => {
    if (s.length <= max) return s;
    truncated = true;
    return s.slice(0, Math.max(0, max)) + '…';
  };

  const copy = (value: unknown, depth: number): unknown => {
    if (budget <= 0) {
      truncated = true;
      return undefined;
    }
    switch (typeof value) {
      case 'string': {
        const s = cut(value, Math.min(bounds.maxString, budget));
        budget -= s.length + 2;
        return s;
      }
      case 'number':
        budget -= 8;
        return Number.isFinite(value) ? value : String(value);
      case 'boolean':
        budget -= 5;
        return value;
      case 'bigint':
        budget -= 20;
        return value.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) {
      budget -= 4;
      return null;
    }
    const obj = value as object;
    if (seen.has(obj)) return '[Circular]';
    if (depth >= bounds.maxDepth) {
      truncated = true;
      return '[Object]';
    }
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    if (obj instanceof Error) return { name: obj.name, message: cut(obj.message, bounds.maxString) };
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
    seen.add(obj);
    try {
      if (Array.isArray(obj)) {
        const out: unknown[] = [];
        const n = Math.min(obj.length, bounds.maxKeys);
        if (obj.length > n) truncated = true;
        for (let i = 0; i < n && budget > 0; i++) out.push(copy(obj[i], depth + 1) ?? null);
        return out;
      }
      const out: Record<string, unknown> = {};
      let keys = 0;
      for (const key of Object.keys(obj)) {
        if (keys++ >= bounds.maxKeys || budget <= 0) {
          truncated = true;
          break;
        }
        budget -= key.length + 4;
        let v: unknown;
        try {
          v = (obj as Record<string, unknown>)[key];
        } catch {
          v = '[Unreadable]'; // a throwing getter
        }
        const c = copy(v, depth + 1);
        if (c !== undefined) out[cut(key, 128)] = c;
      }
      return out;
    } finally {
      seen.delete(obj);
    }
  };

  try {
    return { value: copy(input, 0), truncated };
  } catch {
    // A Proxy or exotic object that throws on inspection.
    return { value: '[Unserializable]', truncated: true };
  }
}

/** Cuts a string to `max` characters (adding "…"); reports whether it did. */
export function cutString(s: string, max: number): { value: string; truncated: boolean } {
  return s.length <= max ? { value: s, truncated: false } : { value: s.slice(0, max) + '…', truncated: true };
}
