/**
 * An Express app with Pulse excluding `excludePaths`, served with a header limit large enough for
 * 64 KB paths (Node's default 16 KB would refuse them before the app saw them), and a client that
 * sends one path per connection. Shared by the hostile excluded-path tests.
 */
import express, { type Router } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createPulse } from '../../../src/index';
import { histogramCount } from '../../deps/series';

const MAX_HEADER_SIZE = 256 * 1024;
const KB64 = 64 * 1024;

/** `prefix` + `unit` repeated + `suffix`, about 64 KB long. */
export const fill64k = (prefix: string, unit: string, suffix = ''): string =>
  prefix + unit.repeat(Math.ceil((KB64 - prefix.length - suffix.length) / unit.length)) + suffix;

export interface HostilePathServer {
  /** Sends `path`, resolves with the status code. */
  get(path: string): Promise<number>;
  /** Requests Pulse has counted so far. */
  counted(): number;
  stop(): Promise<void>;
}

export async function startHostilePathServer(
  serviceName: string,
  excludePaths: string[],
  routes: Router,
): Promise<HostilePathServer> {
  const pulse = createPulse({
    serviceName,
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { enabled: false },
    health: { enabled: false },
    http: { excludePaths },
  });
  const app = express();
  app.use(pulse.middleware());
  app.use(routes);
  app.use((_req, res) => void res.status(404).end());
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;

  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, agent: false, maxHeaderSize: MAX_HEADER_SIZE }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      }),
    counted: () => histogramCount(pulse.registry, 'http_server_request_duration_seconds'),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await pulse.shutdown();
    },
  };
}
