// Health output goes to load balancers, dashboards and whoever can reach the endpoint: error
// messages from drivers may carry connection strings, passwords or tokens. Everything a check
// says passes through here first.

/** Longest message kept; drivers sometimes put whole queries or stacks in a message. */
const MAX_MESSAGE_LENGTH = 300;

const RULES: [RegExp, string][] = [
  // scheme://user:password@host → scheme://***@host (the user part can be a token too)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@'],
  // Authorization values
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/g, '$1 ***'],
  // key=value, key: value, "key":"value", key='value' for secret-sounding keys
  [
    /\b(password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?key|auth|authorization|credentials?|private[_-]?key|client[_-]?secret|session)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,"'}]+)/gi,
    '$1$2***',
  ],
];

/** The text with secrets replaced by `***`, cut to a few hundred characters. */
export function redactSecrets(text: string): string {
  let out = text.length > MAX_MESSAGE_LENGTH * 4 ? text.slice(0, MAX_MESSAGE_LENGTH * 4) : text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out.length > MAX_MESSAGE_LENGTH ? out.slice(0, MAX_MESSAGE_LENGTH) + '…' : out;
}

/** A check's details with every string redacted and secret-named keys dropped, a few levels deep. */
export function redactDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>).slice(0, 50)) {
    out[key] = SECRET_KEY.test(key) ? '***' : redactDetails(v, depth + 1);
  }
  return out;
}

const SECRET_KEY =
  /password|passwd|secret|token|api[_-]?key|authorization|credential|private[_-]?key|connectionString/i;

/** The message of anything thrown, redacted. AggregateErrors (several addresses failed) say all. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const err = error as { message?: unknown; code?: unknown; name?: unknown; errors?: unknown };
    let message = typeof err.message === 'string' ? err.message : '';
    if (message === '' && Array.isArray(err.errors)) {
      message = err.errors
        .map((e) => (e as { message?: unknown })?.message)
        .filter(Boolean)
        .join('; ');
    }
    if (message === '') message = typeof err.code === 'string' ? err.code : String(err.name ?? 'Error');
    return redactSecrets(message);
  }
  return redactSecrets(String(error));
}
