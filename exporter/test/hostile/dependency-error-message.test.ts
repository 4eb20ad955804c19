/**
 * A failed dependency call is classified (`error_type`) partly from its error's message, and a
 * client's error can carry a whole response body: `throw new Error(await res.text())` is common.
 * The body comes from a real HTTP server here (64 MB of text saying "time" everywhere); the
 * classification must read the message's head only, so the call's failure never blocks the
 * event loop more than 20 ms.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { histogramCount } from '../deps/series';
import { leastLoopBlockMs } from '../support/loop-block';

const BODY = 'time-time '.repeat((64 << 20) / 10);
let pulse: Pulse;
let server: http.Server;
let url: string;
beforeAll(async () => {
  pulse = createPulse({
    serviceName: 'hostile-dependency',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    health: { enabled: false },
  });
  server = http.createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/plain' }).end(BODY));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charge`;
});
afterAll(async () => {
  await pulse.shutdown();
  await new Promise((resolve) => server.close(resolve));
});

test('a 64 MB response body as the error message: error_type from its head, the loop never blocked over 20 ms', async () => {
  // The SDK read the body when the call failed; what Pulse does with the failure is measured.
  const res = await fetch(url);
  const failure = new Error(await res.text());
  expect(failure.message.length).toBe(BODY.length);
  const charge = () =>
    pulse
      .trackDependency('billing', () => Promise.reject(failure), { type: 'http' })
      .catch((err: unknown) => expect(err).toBe(failure));
  await charge();
  expect(await leastLoopBlockMs(charge, 20)).toBeLessThanOrEqual(20);
  expect(
    histogramCount(pulse.registry, 'pulse_dependency_duration_seconds', {
      dependency: 'billing',
      error_type: '_OTHER',
    }),
  ).toBeGreaterThanOrEqual(2);
});
