import http from 'node:http';
import https from 'node:https';
import { retryAfterMs } from './backoff';

// One push request to Loki and what its answer means for the batch. Never throws: a slow,
// unreachable or garbage-answering Loki becomes a PushResult.

export type PushResult =
  | { kind: 'sent' }
  | {
      kind: 'retry';
      reason: 'rate_limited' | 'server_error' | 'network';
      retryAfterMs: number | undefined;
      error: string;
    }
  | { kind: 'rejected'; error: string };

export interface PushClient {
  push(body: Uint8Array | string, timeoutMs: number): Promise<PushResult>;
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
    push(body, timeoutMs) {
      return new Promise<PushResult>((resolve) => {
        let settled = false;
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
        const timer = setTimeout(() => {
          req.destroy(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        req.on('error', (err) => {
          done({ kind: 'retry', reason: 'network', retryAfterMs: undefined, error: err.message });
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
