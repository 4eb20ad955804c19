/**
 * What the Fastify endpoint and hostile-input tests share: a Fastify app on a node:http server
 * whose header limit lets 64 KB paths and headers through (Node's default 16 KB would refuse them
 * before Fastify saw them), and a client that sends one request per connection, any method, any
 * path, any headers, exactly as given.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { FastifyFactory } from '../fastify-versions';

export const MAX_HEADER_SIZE = 256 * 1024;

export type FastifyApp = ReturnType<FastifyFactory>;

/** A Fastify app whose server takes 256 KB of request line and headers. */
export function fastifyWithLargeHeaders(Fastify: FastifyFactory, options: FastifyServerOptions = {}): FastifyApp {
  return Fastify({
    ...options,
    serverFactory: (handler: http.RequestListener) => http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, handler),
  }) as unknown as FastifyApp;
}

export async function listenOnLoopback(app: FastifyApp): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection. Rejects if the server closes it unanswered. */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers, agent: false, maxHeaderSize: MAX_HEADER_SIZE },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
