/**
 * Outgoing HTTP calls measured through diagnostics_channel, against local servers that answer,
 * are slow, fail with 500, reset the connection, hang, or are not there at all.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { createRequestContext, runWithContext } from '../../src/context/request-context';
import { excludeFromDependencyTracking, PULSE_INTERNAL_HEADER } from '../../src/deps/index';
import { getFreePort } from '../support/free-port';
import { histogramCount, histogramSeries, seriesLabels } from './series';

const HTTP = 'http_client_request_duration_seconds';
const DEP = 'pulse_dependency_duration_seconds';

let server: http.Server;
let port: number;
let namedServer: http.Server;
let namedPort: number;
let pulse: Pulse;
const openSockets = new Set<import('node:net').Socket>();

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  if (url === '/slow') setTimeout(() => res.end('slow'), 300);
  else if (url === '/fail') res.writeHead(500).end('no');
  else if (url === '/reset') req.socket.destroy();
  else if (url === '/hang') return;
  else res.end('ok');
}

async function listen(s: http.Server): Promise<number> {
  s.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = http.createServer(handler);
  namedServer = http.createServer(handler);
  port = await listen(server);
  namedPort = await listen(namedServer);
  pulse = createPulse({
    serviceName: 'deps-test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { names: { [`127.0.0.1:${namedPort}`]: 'payments' } },
  });
});

afterAll(async () => {
  await pulse.shutdown();
  for (const socket of openSockets) socket.destroy();
  await new Promise((r) => server.close(r));
  await new Promise((r) => namedServer.close(r));
});

/** What the helpers resolve with when the call failed (errors from fetch come from another realm than jest's Error). */
const FAILED = 'failed';

/** One node:http request; resolves with the status or FAILED, never rejects. */
function httpGet(url: string, options: http.RequestOptions = {}): Promise<number | typeof FAILED> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve) => {
    const req = mod.get(url, { agent: false, ...options }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('client gave up')));
    req.on('error', () => resolve(FAILED));
  });
}

async function fetchStatus(url: string, init?: RequestInit): Promise<number | typeof FAILED> {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return FAILED;
  }
}

const count = (labels: Record<string, string>, name = HTTP): number => histogramCount(pulse.registry, name, labels);

describe('outgoing HTTP calls', () => {
  test('fetch and http.request are each counted exactly once, with OTel labels', async () => {
    const before = count({ server_port: String(port) });
    const beforeDep = count({ dependency: `127.0.0.1:${port}` }, DEP);
    expect(await fetchStatus(`http://127.0.0.1:${port}/ok`)).toBe(200);
    expect(count({ server_port: String(port) })).toBe(before + 1);
    expect(await httpGet(`http://127.0.0.1:${port}/ok`)).toBe(200);
    expect(count({ server_port: String(port) })).toBe(before + 2);
    expect(count({ dependency: `127.0.0.1:${port}`, dependency_type: 'http', error_type: '' }, DEP)).toBe(
      beforeDep + 2,
    );
    expect(seriesLabels(pulse.registry, HTTP)).toContainEqual({
      http_request_method: 'GET',
      server_address: '127.0.0.1',
      server_port: String(port),
      http_response_status_code: '200',
      error_type: '',
      dependency: `127.0.0.1:${port}`,
    });
  });

  test('a POST through http.request is labelled with its method', async () => {
    const before = count({ http_request_method: 'POST', server_port: String(port) });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`http://127.0.0.1:${port}/ok`, { method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('body');
    });
    expect(count({ http_request_method: 'POST', server_port: String(port) })).toBe(before + 1);
  });

  test('a slow dependency is measured as slow (≥ 300 ms per call)', async () => {
    const labels = { server_port: String(port), http_response_status_code: '200' };
    const sumBefore = histogramSeries(pulse.registry, HTTP, labels).reduce((s, x) => s + x.sum, 0);
    expect(await fetchStatus(`http://127.0.0.1:${port}/slow`)).toBe(200);
    expect(await httpGet(`http://127.0.0.1:${port}/slow`)).toBe(200);
    const sumAfter = histogramSeries(pulse.registry, HTTP, labels).reduce((s, x) => s + x.sum, 0);
    // Two calls of ≥ 300 ms each; a fast path would add a few ms.
    expect(sumAfter - sumBefore).toBeGreaterThanOrEqual(0.58);
  });

  test('a 5xx answer is an error whose type is its status code', async () => {
    const labels = { server_port: String(port), http_response_status_code: '500', error_type: '500' };
    const before = count(labels);
    expect(await fetchStatus(`http://127.0.0.1:${port}/fail`)).toBe(500);
    expect(await httpGet(`http://127.0.0.1:${port}/fail`)).toBe(500);
    expect(count(labels)).toBe(before + 2);
    expect(count({ dependency: `127.0.0.1:${port}`, error_type: '500' }, DEP)).toBeGreaterThanOrEqual(2);
  });

  test('a connection reset by the server is connection_reset, without a status code', async () => {
    const labels = { server_port: String(port), http_response_status_code: '', error_type: 'connection_reset' };
    const before = count(labels);
    expect(await fetchStatus(`http://127.0.0.1:${port}/reset`)).toBe(FAILED);
    expect(await httpGet(`http://127.0.0.1:${port}/reset`)).toBe(FAILED);
    expect(count(labels)).toBe(before + 2);
  });

  test('a port nobody listens on is connection_refused', async () => {
    const closed = await getFreePort();
    expect(await fetchStatus(`http://127.0.0.1:${closed}/`)).toBe(FAILED);
    expect(await httpGet(`http://127.0.0.1:${closed}/`)).toBe(FAILED);
    expect(count({ server_port: String(closed), error_type: 'connection_refused' })).toBe(2);
  });

  test('timeouts: AbortSignal.timeout on fetch, a request timeout on node:http', async () => {
    const labels = { server_port: String(port), error_type: 'timeout' };
    const before = count(labels);
    expect(await fetchStatus(`http://127.0.0.1:${port}/hang`, { signal: AbortSignal.timeout(100) })).toBe(FAILED);
    // The user's 'timeout' handler destroys with a message that says nothing about time.
    expect(await httpGet(`http://127.0.0.1:${port}/hang`, { timeout: 100 })).toBe(FAILED);
    expect(count(labels)).toBe(before + 2);
  });

  test('a call the caller aborts is aborted', async () => {
    const labels = { server_port: String(port), error_type: 'aborted' };
    const before = count(labels);
    const ac1 = new AbortController();
    setTimeout(() => ac1.abort(), 50);
    expect(await fetchStatus(`http://127.0.0.1:${port}/hang`, { signal: ac1.signal })).toBe(FAILED);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 50);
    expect(await httpGet(`http://127.0.0.1:${port}/hang`, { signal: ac2.signal })).toBe(FAILED);
    expect(count(labels)).toBe(before + 2);
  });

  test('TLS failures are tls (https to a plain-HTTP port)', async () => {
    const labels = { server_port: String(port), error_type: 'tls' };
    const before = count(labels);
    expect(await fetchStatus(`https://127.0.0.1:${port}/`)).toBe(FAILED);
    expect(await httpGet(`https://127.0.0.1:${port}/`)).toBe(FAILED);
    expect(count(labels)).toBe(before + 2);
  });

  test('a host that does not resolve is dns (.invalid never resolves, RFC 2606)', async () => {
    expect(await fetchStatus('http://pulse-test.invalid/')).toBe(FAILED);
    expect(await httpGet('http://pulse-test.invalid/')).toBe(FAILED);
    expect(count({ server_address: 'pulse-test.invalid', server_port: '80', error_type: 'dns' })).toBe(2);
  });

  test('the host→name map names the dependency', async () => {
    expect(await fetchStatus(`http://127.0.0.1:${namedPort}/ok`)).toBe(200);
    expect(count({ server_port: String(namedPort), dependency: 'payments' })).toBe(1);
    expect(count({ dependency: 'payments', dependency_type: 'http' }, DEP)).toBe(1);
  });

  test('a call made inside a request carries its trace id as exemplar', async () => {
    const ctx = createRequestContext({}, '4bf92f3577b34da6a3ce929d0e0e4736', 'GET', performance.now());
    await runWithContext(ctx, () => fetchStatus(`http://127.0.0.1:${namedPort}/ok`));
    const [series] = histogramSeries(pulse.registry, HTTP, {
      dependency: 'payments',
      http_response_status_code: '200',
    });
    expect(series?.exemplarTraceIds?.filter((id) => id !== undefined)).toContain(ctx.traceId);
    const text = await pulse.renderMetrics('openmetrics');
    expect(text).toMatch(
      /http_client_request_duration_seconds_bucket\{[^}]*dependency="payments"[^}]*\} \d+ # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736"\}/,
    );
  });
});

test('cardinality stays bounded: hosts past the series cap fold into _overflow and are counted', async () => {
  const capped = createPulse({
    serviceName: 'deps-cap-test',
    metrics: {
      registry: new Registry(),
      defaultMetrics: false,
      seriesLimits: { http_client_request_duration_seconds: 3, pulse_dependency_duration_seconds: 3 },
    },
    runtime: { enabled: false },
  });
  try {
    // Six servers nobody listens on: six distinct server_port values.
    for (let i = 0; i < 6; i++) expect(await fetchStatus(`http://127.0.0.1:${await getFreePort()}/`)).toBe(FAILED);
    const labels = seriesLabels(capped.registry, HTTP);
    expect(labels).toHaveLength(4);
    expect(labels).toContainEqual(expect.objectContaining({ server_port: '_overflow', dependency: '_overflow' }));
    expect(histogramCount(capped.registry, HTTP)).toBe(6); // nothing lost, only folded
    const dropped = capped.registry.get('pulse_series_dropped_total')!.series;
    expect(dropped.find((s) => s.labelValues[0] === HTTP)).toMatchObject({ value: 3 });
  } finally {
    await capped.shutdown();
  }
});

describe("Pulse's own traffic stays out", () => {
  test('requests carrying the internal marker header are not measured', async () => {
    const before = count({ server_port: String(port) });
    expect(await fetchStatus(`http://127.0.0.1:${port}/ok`, { headers: { [PULSE_INTERNAL_HEADER]: '1' } })).toBe(200);
    expect(await httpGet(`http://127.0.0.1:${port}/ok`, { headers: { [PULSE_INTERNAL_HEADER]: '1' } })).toBe(200);
    expect(count({ server_port: String(port) })).toBe(before);
  });

  test('requests made in a worker thread are not seen by the main thread (where the Loki shipper runs)', async () => {
    const before = count({ server_port: String(port) });
    const url = `http://127.0.0.1:${port}/ok`;
    const worker = new Worker(
      `const http = require('node:http');
       fetch(${JSON.stringify(url)}).then((r) => r.text()).then(() =>
         http.get(${JSON.stringify(url)}, { agent: false }, (res) => { res.resume(); res.on('end', () => process.exit(0)); }));`,
      { eval: true },
    );
    const exitCode = await new Promise((resolve) => worker.on('exit', resolve));
    expect(exitCode).toBe(0);
    expect(count({ server_port: String(port) })).toBe(before);
    // The same calls from the main thread are seen: the subscriber is alive.
    expect(await fetchStatus(url)).toBe(200);
    expect(count({ server_port: String(port) })).toBe(before + 1);
  });

  test('deps.excludeHosts and excludeFromDependencyTracking() exclude by host', async () => {
    const other = http.createServer(handler);
    const otherPort = await listen(other);
    const excluded = createPulse({
      serviceName: 'deps-exclude-test',
      metrics: { registry: new Registry(), defaultMetrics: false },
      runtime: { enabled: false },
      deps: { excludeHosts: [`127.0.0.1:${port}`] },
    });
    try {
      expect(await fetchStatus(`http://127.0.0.1:${port}/ok`)).toBe(200);
      expect(await fetchStatus(`http://127.0.0.1:${otherPort}/ok`)).toBe(200);
      expect(histogramCount(excluded.registry, HTTP, { server_port: String(port) })).toBe(0);
      expect(histogramCount(excluded.registry, HTTP, { server_port: String(otherPort) })).toBe(1);
      excludeFromDependencyTracking(`http://127.0.0.1:${otherPort}/loki/api/v1/push`);
      expect(await httpGet(`http://127.0.0.1:${otherPort}/ok`)).toBe(200);
      expect(histogramCount(excluded.registry, HTTP, { server_port: String(otherPort) })).toBe(1);
    } finally {
      await excluded.shutdown();
      await new Promise((r) => other.close(r));
    }
  });

  test('after shutdown nothing is measured any more', async () => {
    const short = createPulse({
      serviceName: 'deps-shutdown-test',
      metrics: { registry: new Registry(), defaultMetrics: false },
      runtime: { enabled: false },
    });
    expect(await fetchStatus(`http://127.0.0.1:${port}/ok`)).toBe(200);
    expect(histogramCount(short.registry, HTTP)).toBe(1);
    await short.shutdown();
    expect(await fetchStatus(`http://127.0.0.1:${port}/ok`)).toBe(200);
    expect(await httpGet(`http://127.0.0.1:${port}/ok`)).toBe(200);
    expect(histogramCount(short.registry, HTTP)).toBe(1);
  });
});
