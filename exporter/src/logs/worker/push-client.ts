import http from 'node:http';
import https from 'node:https';
import { retryAfterMs } from './backoff';

// One push request to Loki and what its answer means for the batch. Never throws: a slow,
// unreachable or garbage-answering Loki becomes a PushResult.
//
// A push that got no answer in time may still have been stored: Loki answers after its
// ingesters took the entries, so a slow answer is often a stored push. The request is therefore
// not cut at `timeoutMs`: its socket stays open `lateAnswerMs` longer and a late 2xx counts as
// sent; only then is it abandoned, as `unconfirmed` (maybe stored, resent by the shipper).

export type PushResult =
  | { kind: 'sent' }
  | {
      kind: 'retry';
      reason: 'rate_limited' | 'server_error' | 'network';
      retryAfterMs: number | undefined;
      error: string;
      /** The whole body went out and no answer came back: Loki may have stored it. */
      unconfirmed?: boolean;
    }
  | { kind: 'rejected'; error: string };

export interface PushTiming {
  /** After this long without an answer the push is overdue (maybe stored)… */
  timeoutMs: number;
  /** …and its answer is still awaited this much longer before the request is abandoned. */
  lateAnswerMs: number;
  /** Called once the whole body has been handed to the socket (from then on Loki may store it). */
  onBodySent?: () => void;
}

export interface PushClient {
  push(body: Uint8Array | string, timing: PushTiming): Promise<PushResult>;
  close(): void;
}

/** At most this much of an error answer is read (for the message); the rest is discarded. */
const MAX_ERROR_BODY = 2048;

/** `headers` carry Content-Type (and Content-Encoding) along with auth and tenant. */
export function createPushClient(pushUrl: string, headers: Record<string, string>): PushClient {
  const url = new URL(pushUrl);
  const lib = url.protocol === 'https:' ? https : http;
  // One request at a time: a single kept-alive socket is all the shipper needs.
  const agent = new lib.Agent({ keepAlive: true, maxSockets: 1 });
  const baseHeaders = { ...headers, 'user-agent': 'pulse-apm' };

  return {
    push(body, { timeoutMs, lateAnswerMs, onBodySent }) {
      return new Promise<PushResult>((resolve) => {
        let settled = false;
        let bodySent = false;
        let overdue = false;
        const done = (result: PushResult): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const req = lib.request(
          url,
          { method: 'POST', agent, headers: { ...baseHeaders, 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              res.resume();
              res.on('end', () => done({ kind: 'sent' }));
              res.on('error', () => done({ kind: 'sent' }));
              return;
            }
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              if (text.length < MAX_ERROR_BODY) text += chunk;
            });
            const finish = (): void => {
              const error = `HTTP ${status}: ${text.slice(0, MAX_ERROR_BODY).trim()}`;
              const retryAfter = retryAfterMs(headerValue(res.headers['retry-after']));
              if (status === 429) done({ kind: 'retry', reason: 'rate_limited', retryAfterMs: retryAfter, error });
              else if (status >= 500) done({ kind: 'retry', reason: 'server_error', retryAfterMs: retryAfter, error });
              else done({ kind: 'rejected', error });
            };
            res.on('end', finish);
            res.on('error', finish);
          },
        );
        let timer = setTimeout(() => {
          overdue = true;
          // Not cut yet: a late answer on this socket still tells whether Loki stored the push.
          timer = setTimeout(() => {
            req.destroy(new Error(`no answer within ${timeoutMs + lateAnswerMs} ms`));
          }, lateAnswerMs);
        }, timeoutMs);
        req.on('finish', () => {
          bodySent = true;
          onBodySent?.();
        });
        req.on('error', (err) => {
          const unconfirmed = overdue && bodySent;
          const error = unconfirmed ? `${err.message}; Loki may have stored the push` : err.message;
          done({ kind: 'retry', reason: 'network', retryAfterMs: undefined, error, unconfirmed });
        });
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
