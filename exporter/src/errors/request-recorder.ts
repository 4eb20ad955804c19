import type { IncomingMessage } from 'node:http';
import { redactText, redactUrl, redactValue } from '../redaction';
import type { ResolvedErrorsOptions } from './options';

// The request context recorded with an error. Decided once at setup: which headers (an
// allow-list; credentials can never be on it), whether query values are kept, whether the body
// is. Every part is cut to size before it is masked (see ../redaction): a 13 KB User-Agent costs
// what a 1 KB one does.

export interface RecordedRequest {
  url_path: string;
  /** `a=[REDACTED]&b=[REDACTED]` by default: names only. */
  url_query?: string;
  headers: Record<string, string>;
  body?: string;
}

const MAX_URL_PART = 2048;
const MAX_HEADER = 1024;
/** Headers that hold URLs: their query is redacted like the request's own. */
const URL_HEADERS = new Set(['referer', 'origin']);

function recordedBody(
  body: unknown,
  secretName: RegExp,
  maxBytes: number,
): { text: string; truncated: boolean } | undefined {
  if (body === undefined || body === null) return undefined;
  let text: string;
  let truncated = false;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const raw = typeof body === 'string' ? body : body.toString('utf8', 0, Math.min(body.length, maxBytes * 2));
    const r = redactText(raw, maxBytes * 2, secretName);
    text = r.value;
    truncated = r.truncated;
  } else if (typeof body === 'object') {
    if (Object.keys(body).length === 0) return undefined; // no body, or no parser ran
    const copy = redactValue(
      body,
      { maxBytes: maxBytes * 2, maxDepth: 8, maxKeys: 200, maxString: maxBytes },
      secretName,
    );
    truncated = copy.truncated;
    text = JSON.stringify(copy.value);
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

export type RequestRecorder = (req: IncomingMessage) => { request: RecordedRequest; truncated: boolean };

export function compileRequestRecorder(options: ResolvedErrorsOptions['request']): RequestRecorder {
  const { headers: allowed, secretPattern, queryValues, body, bodyMaxBytes } = options;
  return (req) => {
    const r = req as IncomingMessage & { originalUrl?: string; body?: unknown };
    const url = redactUrl(r.originalUrl ?? r.url ?? '/', queryValues, MAX_URL_PART, secretPattern);
    let truncated = url.truncated;
    const headers: Record<string, string> = {};
    for (const name of allowed) {
      const v = r.headers[name];
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(', ') : v;
      if (URL_HEADERS.has(name)) {
        const u = redactUrl(value, queryValues, MAX_HEADER, secretPattern);
        headers[name] = u.query === undefined ? u.path : `${u.path}?${u.query}`;
        truncated ||= u.truncated;
      } else {
        const h = redactText(value, MAX_HEADER, secretPattern);
        headers[name] = h.value;
        truncated ||= h.truncated;
      }
    }
    const request: RecordedRequest = { url_path: url.path, headers };
    if (url.query !== undefined) request.url_query = url.query;
    if (body) {
      const b = recordedBody(r.body, secretPattern, bodyMaxBytes);
      if (b !== undefined) {
        request.body = b.text;
        truncated ||= b.truncated;
      }
    }
    return { request, truncated };
  };
}
