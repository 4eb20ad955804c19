import type { Bounds } from '../logs/bounded-value';
import { boundedCopy, DEFAULT_BOUNDS } from '../logs/bounded-value';
import { maskSecrets, REDACTED } from './mask-secrets';
import { DEFAULT_SECRET_NAME, isSecretName } from './secret-names';

// The one redaction entry point for every sink: errors, slow requests, custom events, logs and
// health output. Text is always cut to size first and masked after, so the masking cost is
// bounded by the cut, never by what a client or a driver put in the text.

export { REDACTED } from './mask-secrets';
export { DEFAULT_SECRET_NAME } from './secret-names';

export interface RedactedText {
  value: string;
  truncated: boolean;
}

/** `text` cut to `maxChars` (with "…"), then masked. */
export function redactText(text: string, maxChars: number, secretName: RegExp = DEFAULT_SECRET_NAME): RedactedText {
  const truncated = text.length > maxChars;
  const masked = maskSecrets(truncated ? text.slice(0, maxChars) : text, secretName);
  return { value: truncated ? masked + '…' : masked, truncated };
}

/**
 * A bounded copy of arbitrary data (see boundedCopy) with secret-named fields replaced and every
 * string masked. A field is tested by its name and by `parent.name` (`card.number`).
 */
export function redactValue(
  value: unknown,
  bounds: Bounds = DEFAULT_BOUNDS,
  secretName: RegExp = DEFAULT_SECRET_NAME,
): { value: unknown; truncated: boolean } {
  const copy = boundedCopy(value, bounds);
  return { value: maskCopy(copy.value, secretName, ''), truncated: copy.truncated };
}

/** Walks a bounded copy (plain JSON data, no cycles). */
function maskCopy(value: unknown, secretName: RegExp, parent: string): unknown {
  if (typeof value === 'string') return maskSecrets(value, secretName);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskCopy(v, secretName, parent));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      isSecretName(k, secretName) || (parent !== '' && isSecretName(`${parent}.${k}`, secretName))
        ? REDACTED
        : maskCopy(v, secretName, k);
  }
  return out;
}

/**
 * A URL component masked as written and as decoded: a secret can hide behind `%3A%2F%2F`. When
 * the decoded text had secrets, it is masked and encoded again. Callers cut it first.
 */
function maskUrlComponent(raw: string, secretName: RegExp, encode: (s: string) => string): string {
  const masked = maskSecrets(raw, secretName);
  if (!raw.includes('%') && !raw.includes('+')) return masked;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return masked; // not valid percent-encoding: nothing hides behind it
  }
  const maskedDecoded = maskSecrets(decoded, secretName);
  return maskedDecoded === decoded ? masked : encode(maskedDecoded).replaceAll(encode(REDACTED), REDACTED);
}

/** A query string with values replaced: all of them, or only secret-named and secret-shaped ones when `keepValues`. */
export function redactQuery(query: string, keepValues: boolean, secretName: RegExp = DEFAULT_SECRET_NAME): string {
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return maskUrlComponent(pair, secretName, encodeURIComponent); // `?<token>`
      const name = pair.slice(0, eq);
      let decodedName = name;
      try {
        decodedName = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // keep it raw
      }
      if (!keepValues || isSecretName(decodedName, secretName)) return `${name}=${REDACTED}`;
      return `${name}=${maskUrlComponent(pair.slice(eq + 1), secretName, encodeURIComponent)}`;
    })
    .join('&');
}

/** A URL (or path?query) cut to `maxChars` per part: credentials and secret shapes masked, query redacted. */
export function redactUrl(
  url: string,
  keepValues: boolean,
  maxChars: number,
  secretName: RegExp = DEFAULT_SECRET_NAME,
): { path: string; query: string | undefined; truncated: boolean } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const path = {
    value: maskUrlComponent(rawPath.slice(0, maxChars), secretName, encodeURI) + (rawPath.length > maxChars ? '…' : ''),
    truncated: rawPath.length > maxChars,
  };
  if (q === -1) return { path: path.value, query: undefined, truncated: path.truncated };
  const rawQuery = url.slice(q + 1, q + 1 + maxChars).split('#')[0]!;
  const query = redactQuery(rawQuery, keepValues, secretName);
  return {
    path: path.value,
    query: query === '' ? undefined : query,
    truncated: path.truncated || url.length - q - 1 > maxChars,
  };
}

/** A whole URL as one string (Referer, a health check's target). */
export function redactUrlText(url: string, maxChars: number, secretName: RegExp = DEFAULT_SECRET_NAME): string {
  const u = redactUrl(url, true, maxChars, secretName);
  return u.query === undefined ? u.path : `${u.path}?${u.query}`;
}

/** The message of anything thrown, cut and masked. An AggregateError (several addresses failed) says all of its own. */
export function redactedErrorMessage(error: unknown, maxChars: number): string {
  let message: string;
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const err = error as { message?: unknown; code?: unknown; name?: unknown; errors?: unknown };
    message = typeof err.message === 'string' ? err.message : '';
    if (message === '' && Array.isArray(err.errors)) {
      message = err.errors
        .slice(0, 20)
        .map((e) => (e as { message?: unknown } | null)?.message)
        .filter((m): m is string => typeof m === 'string' && m !== '')
        .join('; ');
    }
    if (message === '') message = typeof err.code === 'string' ? err.code : String(err.name ?? 'Error');
  } else message = String(error);
  return redactText(message, maxChars).value;
}
