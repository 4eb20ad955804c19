import http from 'node:http';
import https from 'node:https';

// A tiny HTTP client over node:http with an agent we own: stop() destroys it, so no pooled
// socket outlives the generator (undici's global pool would).

export interface Sent {
  status: number;
  body: string;
}

export interface TrafficClient {
  send(method: string, url: string, body?: unknown, timeoutMs?: number): Promise<Sent>;
  close(): void;
}

export function trafficClient(maxSockets: number): TrafficClient {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  return {
    send(method, url, body, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const u = new URL(url);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const mod = u.protocol === 'https:' ? https : http;
        const req = mod.request(
          u,
          {
            method,
            agent: agents[u.protocol as 'http:' | 'https:'],
            timeout: timeoutMs,
            headers: {
              'user-agent': 'pulse-demo-traffic',
              ...(payload !== undefined
                ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
                : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
