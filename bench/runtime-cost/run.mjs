#!/usr/bin/env node
// Cost of Pulse's runtime and dependency signals, off the request path and on outgoing calls.
//
//   node --import tsx --expose-gc bench/runtime-cost/run.mjs [--quick] [--out FILE]
//
// Runs the exporter's TypeScript sources through tsx (no build needed) and prints:
//   1. µs per runtime sample (the background tick: ELU, delay percentiles, heap and handle reads),
//      each call 25 ms after the previous so the delay histogram holds data, as in production;
//   2. µs per scrape of the runtime families alone (collect + serialise), next to prom-client's
//      collectDefaultMetrics() registry for scale;
//   3. CPU µs per outgoing call (node:http keep-alive, and fetch) to a loopback server (client and
//      server in this process), deps subscribers off vs on, rounds interleaved, median of rounds;
//   3b. the same, isolated: the channel messages published directly, ns added per call;
//   4. background CPU (ms per second) of an idle process with the runtime signal off vs on.
// Results: table on stdout + JSON in bench/results/runtime-cost.json.
import http from 'node:http';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { fmt, median, quantile, table } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const src = (p) => path.join(repoRoot, 'exporter', 'src', p);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? path.resolve(args[outIdx + 1]) : path.join(repoRoot, 'bench', 'results', 'runtime-cost.json');

const { createPulse } = await import(src('index.ts'));
const { MetricRegistry } = await import(src('metrics/registry.ts'));
const { RuntimeSampler } = await import(src('runtime/sampler.ts'));
const { resolveRuntimeOptions } = await import(src('runtime/options.ts'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;
const results = { node: process.version, quick, date: new Date().toISOString() };

// ------------------------------------------------------------------ 1. sampler tick
{
  const registry = new MetricRegistry();
  const sampler = new RuntimeSampler(registry, resolveRuntimeOptions({}));
  const n = quick ? 60 : 200;
  const us = [];
  for (let i = 0; i < n + 10; i++) {
    await sleep(25);
    const t = performance.now();
    sampler.sample();
    const dt = (performance.now() - t) * 1000;
    if (i >= 10) us.push(dt);
  }
  sampler.stop();
  results.sampleTickUs = { median: median(us), p99: quantile(us, 0.99), n };
}

// ------------------------------------------------------------------ 2. scrape
{
  const registry = new MetricRegistry();
  const sampler = new RuntimeSampler(registry, resolveRuntimeOptions({}));
  sampler.sample();
  const prom = new client.Registry();
  client.collectDefaultMetrics({ register: prom });
  const n = quick ? 200 : 1000;
  const time = async (fn) => {
    for (let i = 0; i < 20; i++) await fn();
    gc();
    const us = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      us.push((performance.now() - t) * 1000);
    }
    return { median: median(us), p99: quantile(us, 0.99) };
  };
  results.scrapeUs = {
    pulseRuntime: await time(() => registry.serialize('prometheus')),
    promClientDefaults: await time(() => prom.metrics()),
  };
  sampler.stop();
  prom.clear();
}

// ------------------------------------------------------------------ 3. outgoing calls
{
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const httpCall = () =>
    new Promise((resolve, reject) =>
      http.get(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
  const fetchCall = () => fetch(url).then((r) => r.arrayBuffer());
  const calls = quick ? 500 : 2000;
  const rounds = quick ? 6 : 14;
  // CPU time of this process (client + server + subscribers) per call: less exposed than wall
  // time to other processes on a shared machine.
  const perCall = async (fn) => {
    for (let i = 0; i < 100; i++) await fn();
    const c = process.cpuUsage();
    for (let i = 0; i < calls; i++) await fn();
    const d = process.cpuUsage(c);
    return (d.user + d.system) / calls;
  };
  for (const [name, fn] of [
    ['http', httpCall],
    ['fetch', fetchCall],
  ]) {
    const off = [];
    const on = [];
    for (let r = 0; r < rounds; r++) {
      off.push(await perCall(fn));
      const pulse = createPulse({
        serviceName: 'bench',
        metrics: { registry: new client.Registry(), defaultMetrics: false },
        runtime: { enabled: false },
        health: { enabled: false },
      });
      on.push(await perCall(fn));
      await pulse.shutdown();
    }
    // Paired per round (same machine state), with the spread: on a shared 2-core machine the
    // noise between rounds is tens of µs, larger than the subscribers' own cost (3b).
    const deltas = on.map((v, i) => v - off[i]);
    results[`${name}CallUs`] = {
      off: median(off),
      on: median(on),
      delta: median(deltas),
      deltaP25: quantile(deltas, 0.25),
      deltaP75: quantile(deltas, 0.75),
      rounds,
      calls,
    };
  }
  agent.destroy();
  server.close();
}

// ------------------------------------------------------------------ 3b. subscriber cost, isolated
// The same channel messages Node and undici publish, published directly: the work Pulse adds to
// one outgoing call, without the noise of a real request (whose CPU cost is ~100–250 µs here).
{
  const dc = await import('node:diagnostics_channel');
  const { EventEmitter } = await import('node:events');
  class FakeClientRequest extends EventEmitter {
    protocol = 'http:';
    host = 'api.example.com';
    method = 'GET';
    getHeader(name) {
      return name === 'host' ? 'api.example.com:8080' : undefined;
    }
  }
  const undiciCreate = dc.channel('undici:request:create');
  const undiciHeaders = dc.channel('undici:request:headers');
  const httpStart = dc.channel('http.client.request.start');
  const httpResponse = dc.channel('http.client.response.finish');
  const response = { statusCode: 200 };
  const fetchHeaders = ['accept', '*/*', 'accept-language', '*', 'sec-fetch-mode', 'cors', 'user-agent', 'node'];
  const n = quick ? 50_000 : 200_000;
  const loop = (kind) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      if (kind === 'fetch') {
        const request = { origin: 'https://api.example.com', method: 'GET', headers: fetchHeaders };
        undiciCreate.publish({ request });
        undiciHeaders.publish({ request, response });
      } else {
        const request = new FakeClientRequest();
        httpStart.publish({ request });
        httpResponse.publish({ request, response });
      }
    }
    return ((performance.now() - t) * 1e6) / n; // ns per call
  };
  for (const kind of ['http', 'fetch']) {
    const off = [];
    const on = [];
    for (let r = 0; r < 5; r++) {
      off.push(loop(kind));
      const pulse = createPulse({
        serviceName: 'bench',
        metrics: { registry: new client.Registry(), defaultMetrics: false },
        runtime: { enabled: false },
        health: { enabled: false },
      });
      on.push(loop(kind));
      await pulse.shutdown();
    }
    results[`${kind}SubscriberNs`] = { off: median(off), on: median(on), delta: median(on) - median(off), n };
  }
}

// ------------------------------------------------------------------ 4. background CPU
{
  const seconds = quick ? 2 : 4;
  const cpuPerSecond = async (enabled) => {
    const pulse = createPulse({
      serviceName: 'bench',
      metrics: { registry: new client.Registry(), defaultMetrics: false },
      runtime: { enabled },
      deps: { enabled: false },
      health: { enabled: false },
    });
    await sleep(200);
    const c = process.cpuUsage();
    await sleep(seconds * 1000);
    const d = process.cpuUsage(c);
    await pulse.shutdown();
    return (d.user + d.system) / 1000 / seconds;
  };
  const off = [];
  const on = [];
  for (let r = 0; r < 2; r++) {
    off.push(await cpuPerSecond(false));
    on.push(await cpuPerSecond(true));
  }
  results.idleCpuMsPerSecond = { off: median(off), on: median(on), delta: median(on) - median(off) };
}

// ------------------------------------------------------------------ report
const r = results;
console.log(
  table([
    ['measure', 'value', 'note'],
    [
      'runtime sample (background tick)',
      `${fmt(r.sampleTickUs.median, 1)} µs`,
      `p99 ${fmt(r.sampleTickUs.p99, 1)} µs, every 5 s by default`,
    ],
    [
      'scrape: Pulse runtime families',
      `${fmt(r.scrapeUs.pulseRuntime.median, 1)} µs`,
      `p99 ${fmt(r.scrapeUs.pulseRuntime.p99, 1)} µs (target < 1000 µs)`,
    ],
    ['scrape: prom-client default metrics', `${fmt(r.scrapeUs.promClientDefaults.median, 1)} µs`, 'for scale'],
    [
      'node:http call CPU, deps off → on',
      `${fmt(r.httpCallUs.off, 1)} → ${fmt(r.httpCallUs.on, 1)} µs`,
      `Δ ${fmt(r.httpCallUs.delta, 1)} µs (IQR ${fmt(r.httpCallUs.deltaP25, 0)}…${fmt(r.httpCallUs.deltaP75, 0)})`,
    ],
    [
      'fetch call CPU, deps off → on',
      `${fmt(r.fetchCallUs.off, 1)} → ${fmt(r.fetchCallUs.on, 1)} µs`,
      `Δ ${fmt(r.fetchCallUs.delta, 1)} µs (IQR ${fmt(r.fetchCallUs.deltaP25, 0)}…${fmt(r.fetchCallUs.deltaP75, 0)})`,
    ],
    ['node:http subscribers, isolated', `${fmt(r.httpSubscriberNs.delta / 1000, 2)} µs`, 'added per call'],
    ['fetch subscribers, isolated', `${fmt(r.fetchSubscriberNs.delta / 1000, 2)} µs`, 'added per call'],
    [
      'idle CPU, runtime off → on',
      `${fmt(r.idleCpuMsPerSecond.off, 2)} → ${fmt(r.idleCpuMsPerSecond.on, 2)} ms/s`,
      `Δ ${fmt(r.idleCpuMsPerSecond.delta, 2)} ms/s`,
    ],
  ]),
);
if (!existsSync(path.dirname(out))) mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`results: ${path.relative(process.cwd(), out)}`);
