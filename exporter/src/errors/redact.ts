import type { IncomingMessage } from 'node:http';
import { boundedCopy } from '../logs/bounded-value';
import type { ResolvedErrorsOptions } from './options';

// The request context recorded with an error, redacted. Decided once at setup: which headers
// (an allow-list; credentials can never be on it), whether query values are kept, whether the
// body is. Secrets are also masked by shape wherever free text is recorded (JWTs, bearer/basic
// credentials, `token=…` pairs), because they end up in messages, URLs and referers too.

export const REDACTED = '[REDACTED]';

export interface RecordedRequest {
  url_path: string;
  /** `a=[REDACTED]&b=[REDACTED]` by default: names only. */
  url_query?: string;
  headers: Record<string, string>;
  body?: string;
}

const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
/** Tokens with a well-known prefix: GitHub, Stripe, Slack, AWS access keys, Google API keys, npm. */
const KNOWN_TOKENS =
  /\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|npm_[A-Za-z0-9]{30,})/g;
/** Long opaque strings mixing letters and digits (session ids, API keys, hashes): 32+ characters. */
const OPAQUE = /\b(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g;

/** Payment card numbers: 13–19 digits (spaces or dashes allowed) that pass the Luhn check. */
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Masks secrets recognisable by their shape, and `name=value` / `"name": "value"` pairs whose name looks secret. */
export function maskSecrets(text: string, secretName: RegExp): string {
  let out = text
    .replace(JWT, REDACTED)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(KNOWN_TOKENS, REDACTED)
    .replace(OPAQUE, REDACTED);
  out = out.replace(CARD, (m) => (luhn(m.replace(/[ -]/g, '')) ? REDACTED : m));
  out = out.replace(
    /(["']?)([\w.-]{1,64})\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;"'}]+)/g,
    (whole, q: string, name: string, sep: string, value: string) =>
      secretName.test(name) && value !== REDACTED && value !== `"${REDACTED}"`
        ? `${q}${name}${q}${sep}${value.startsWith('"') ? `"${REDACTED}"` : REDACTED}`
        : whole,
  );
  return out;
}

/** A query string with values replaced (all of them, or only secret-looking ones when `keepValues`). */
export function redactQuery(query: string, keepValues: boolean, secretName: RegExp): string {
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (eq === -1) return name;
      let decodedName = name;
      try {
        decodedName = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // keep it raw
      }
      if (!keepValues || secretName.test(decodedName)) return `${name}=${REDACTED}`;
      return `${name}=${maskSecrets(pair.slice(eq + 1), secretName)}`;
    })
    .join('&');
}

/** A URL (path?query) with its query redacted and secret shapes masked in its path. */
export function redactUrl(
  url: string,
  keepValues: boolean,
  secretName: RegExp,
): { path: string; query: string | undefined } {
  const q = url.indexOf('?');
  const path = maskSecrets(q === -1 ? url : url.slice(0, q), secretName);
  const query = q === -1 ? undefined : redactQuery(url.slice(q + 1).split('#')[0]!, keepValues, secretName);
  return { path, query: query === '' ? undefined : query };
}

function redactedBody(
  body: unknown,
  secretName: RegExp,
  maxBytes: number,
): { text: string; truncated: boolean } | undefined {
  if (body === undefined || body === null) return undefined;
  let text: string;
  let truncated = false;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const raw = typeof body === 'string' ? body : body.toString('utf8', 0, Math.min(body.length, maxBytes * 2));
    text = maskSecrets(raw, secretName);
  } else if (typeof body === 'object') {
    if (Object.keys(body).length === 0) return undefined; // no body, or no parser ran
    const copy = boundedCopy(body, { maxBytes: maxBytes * 2, maxDepth: 8, maxKeys: 200, maxString: maxBytes });
    truncated = copy.truncated;
    text = JSON.stringify(redactKeys(copy.value, secretName));
    text = maskSecrets(text, secretName);
  } else {
    text = String(body);
  }
  if (Buffer.byteLength(text) > maxBytes) {
    text =
      Buffer.from(text)
        .subarray(0, maxBytes)
        .toString('utf8')
        .replace(/\uFFFD$/, '') + '…';
    truncated = true;
  }
  return { text, truncated };
}

/** Replaces the values of secret-named fields; a field is tested by its name and by `parent.name` (`card.number`). */
function redactKeys(value: unknown, secretName: RegExp, parent = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => redactKeys(v, secretName, parent));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      secretName.test(k) || (parent !== '' && secretName.test(`${parent}.${k}`))
        ? REDACTED
        : redactKeys(v, secretName, k);
  }
  return out;
}

export type RequestRecorder = (req: IncomingMessage) => { request: RecordedRequest; truncated: boolean };

export function compileRequestRecorder(options: ResolvedErrorsOptions['request']): RequestRecorder {
  const { headers: allowed, secretPattern, queryValues, body, bodyMaxBytes } = options;
  const urlHeaders = new Set(['referer', 'origin']);
  return (req) => {
    const r = req as IncomingMessage & { originalUrl?: string; body?: unknown };
    const { path, query } = redactUrl(r.originalUrl ?? r.url ?? '/', queryValues, secretPattern);
    const headers: Record<string, string> = {};
    for (const name of allowed) {
      const v = r.headers[name];
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(', ') : v;
      if (urlHeaders.has(name)) {
        const u = redactUrl(value, queryValues, secretPattern);
        headers[name] = u.query === undefined ? u.path : `${u.path}?${u.query}`;
      } else headers[name] = maskSecrets(value, secretPattern).slice(0, 1024);
    }
    const request: RecordedRequest = { url_path: path.slice(0, 2048), headers };
    if (query !== undefined) request.url_query = query.slice(0, 2048);
    let truncated = false;
    if (body) {
      const b = redactedBody(r.body, secretPattern, bodyMaxBytes);
      if (b !== undefined) {
        request.body = b.text;
        truncated = b.truncated;
      }
    }
    return { request, truncated };
  };
}
