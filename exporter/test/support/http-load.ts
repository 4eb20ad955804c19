import http from 'node:http';

/** One request to send. `path` is appended to `baseUrl` (it may carry a query string). */
export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** e.g. `http://127.0.0.1:3000`. Must be a loopback address: this is a test tool, not a load generator for other hosts. */
  baseUrl: string;
  /** A list, or any (lazy) iterable such as a generator: it is consumed one request at a time. */
  requests: Iterable<LoadRequest>;
  /** Requests in flight at once (1..256). */
  concurrency: number;
  /** Per-request timeout; a request that times out counts as an error. Default 10 000 ms. */
  timeoutMs?: number;
  /** Hard cap on requests taken from `requests`, so a runaway generator cannot hang a test. Default 100 000. */
  maxRequests?: number;
}

export interface LoadResult {
  /** Status code per request, in the order the requests were taken; 0 when the request failed (no response). */
  statuses: number[];
  /** Requests that got no HTTP response (connection refused/reset, timeout). HTTP 4xx/5xx are NOT errors here. */
  errors: number;
  /** The first few error messages, for assertion messages. */
  errorMessages: string[];
  /** Status code → number of responses. */
  byStatus: Record<number, number>;
  durationMs: number;
}

const MAX_CONCURRENCY = 256;
const MAX_ERROR_MESSAGES = 10;

function assertLoopback(url: URL): void {
  // WHATWG URL keeps the brackets on IPv6 hosts.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  if (!loopback) throw new Error(`sendRequests only targets loopback addresses, got host "${url.hostname}"`);
  if (url.protocol !== 'http:') throw new Error(`sendRequests only speaks http:, got "${url.protocol}"`);
}

/**
 * Sends `requests` to a local server with at most `concurrency` in flight, over a keep-alive
 * agent (so the server sees a realistic connection pattern, and we don't exhaust ephemeral ports).
 * Response bodies are drained and discarded. Never rejects because of a failed request: failures
 * are counted in `errors` so tests can assert on them.
 */
export async function sendRequests(opts: LoadOptions): Promise<LoadResult> {
  const base = new URL(opts.baseUrl);
  assertLoopback(base);
  const concurrency = Math.floor(opts.concurrency);
  if (!(concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    throw new Error(`concurrency must be 1..${MAX_CONCURRENCY}, got ${opts.concurrency}`);
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxRequests = opts.maxRequests ?? 100_000;
  const basePath = base.pathname.replace(/\/$/, '');

  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const iterator = opts.requests[Symbol.iterator]();
  const result: LoadResult = { statuses: [], errors: 0, errorMessages: [], byStatus: {}, durationMs: 0 };
  let taken = 0;
  const started = performance.now();

  // Takes the next request, or undefined when done. Shared by all workers: JS is single-threaded,
  // so taking from the iterator and reserving a result slot is atomic.
  const next = (): { index: number; req: LoadRequest } | undefined => {
    if (taken >= maxRequests) return undefined;
    const item = iterator.next();
    if (item.done) return undefined;
    const index = taken++;
    result.statuses.push(0);
    return { index, req: item.value };
  };

  const sendOne = (req: LoadRequest): Promise<number> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
      const r = http.request(
        {
          agent,
          host: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || 80,
          method: req.method,
          path: basePath + req.path,
          headers,
          timeout: timeoutMs,
        },
        (res) => {
          res.on('error', reject);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.resume();
        },
      );
      r.on('timeout', () => r.destroy(new Error(`timeout after ${timeoutMs} ms: ${req.method} ${req.path}`)));
      r.on('error', reject);
      r.end(req.body);
    });

  const worker = async (): Promise<void> => {
    for (let item = next(); item; item = next()) {
      try {
        const status = await sendOne(item.req);
        result.statuses[item.index] = status;
        result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
      } catch (err) {
        result.errors++;
        if (result.errorMessages.length < MAX_ERROR_MESSAGES) {
          result.errorMessages.push(`${item.req.method} ${item.req.path}: ${(err as Error).message}`);
        }
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    // Close idle keep-alive sockets so jest does not see open handles.
    agent.destroy();
  }
  result.durationMs = performance.now() - started;
  return result;
}
