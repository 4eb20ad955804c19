import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveOptions } from '../config/options';
import type { PulseCore } from '../core';
import { MetricRegistry } from '../metrics/registry';
import { createDepsSignal } from './index';

test("calls to Pulse's own Loki (logs.loki.url) are excluded even from the main thread", async () => {
  const loki = http.createServer((_req, res) => res.writeHead(204).end());
  const other = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => loki.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const lokiPort = (loki.address() as AddressInfo).port;
  const otherPort = (other.address() as AddressInfo).port;
  const hooks: (() => unknown)[] = [];
  const metrics = new MetricRegistry();
  // A core without the logs signal running: only its resolved options matter here.
  const core = {
    options: resolveOptions({ serviceName: 's', logs: { loki: { url: `http://127.0.0.1:${lokiPort}` } } }),
    metrics,
    internalError: () => undefined,
    onShutdown: (fn: () => unknown) => hooks.push(fn),
  } as unknown as PulseCore;
  createDepsSignal(core);
  try {
    await fetch(`http://127.0.0.1:${lokiPort}/loki/api/v1/push`, { method: 'POST', body: '{}' }).then((r) =>
      r.arrayBuffer(),
    );
    await fetch(`http://127.0.0.1:${otherPort}/`).then((r) => r.arrayBuffer());
    const ports = metrics.get('http_client_request_duration_seconds')!.series.map((s) => s.labelValues[2]);
    expect(ports).toEqual([String(otherPort)]);
  } finally {
    for (const hook of hooks) await hook();
    loki.close();
    other.close();
  }
});
