/**
 * Alerts firing for real: an Express app instrumented by Pulse, under induced faults (error
 * burst, slow route, failing critical health check, stopped target), scraped by Debian's
 * Prometheus evaluating the generated rules, which notifies Debian's Alertmanager, which posts to a
 * local webhook sink. Each fault must arrive at the sink firing, and then resolved once the fault
 * is gone.
 *
 * Test-only changes (and only these): every `for:` is 1s, thresholds are lowered so a few seconds
 * of traffic cross them (latency 0.2s, error ratio 20%), and intervals are 1s. The expressions are
 * the generator's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Registry } from 'prom-client';
import { stringify } from 'yaml';
import { createPulse, type Pulse } from '../../exporter/src/index';
import { getFreePort } from '../../exporter/test/support/free-port';
import { startPrometheus, type PrometheusHandle } from '../../exporter/test/support/prometheus';
import { alertConfig, type AlertConfig } from '../src/config';
import { OUTPUT_PATHS } from '../src/outputs';
import { prometheusAlertFile } from '../src/render-prometheus';
import { buildRules } from '../src/rules/index';

const ROOT = path.resolve(__dirname, '../..');
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const JOB = 'pulse-e2e';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(fn()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

interface Notification {
  alertname: string;
  status: 'firing' | 'resolved';
}

const testConfig: AlertConfig = {
  ...alertConfig,
  services: [JOB],
  routes: [],
  latency: { ...alertConfig.latency, p95Seconds: 0.2, for: '1s' },
  errorRatio: { threshold: 0.2, minRequestsPerSecond: 0.1 },
};

describe('alerts fire and resolve end to end (Prometheus → Alertmanager → webhook)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-alerts-'));
  const received: Notification[] = [];
  const faults = { error: false, slow: false, health: false };
  let sink: http.Server;
  let alertmanager: ChildProcess;
  let prom: PrometheusHandle;
  let pulse: Pulse;
  let app: express.Express;
  let server: http.Server | undefined;
  let appPort: number;

  const has = (alertname: string, status: Notification['status']) =>
    received.some((n) => n.alertname === alertname && n.status === status) ? true : undefined;

  const startApp = () =>
    new Promise<void>((resolve) => {
      server = http.createServer(app).listen(appPort, '127.0.0.1', resolve);
    });
  const stopApp = () =>
    new Promise<void>((resolve) => {
      server?.closeAllConnections();
      server?.close(() => resolve());
    });

  /** Requests to each path at `rps` until `done()`; bounded in flight. */
  async function drive(paths: string[], rps: number, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let inFlight = 0;
    while (!done() && Date.now() < deadline) {
      for (const p of paths) {
        for (let i = 0; i < rps / 10 && inFlight < 50; i++) {
          inFlight++;
          fetch(`http://127.0.0.1:${appPort}${p}`)
            .then((r) => r.arrayBuffer())
            .catch(() => undefined)
            .finally(() => inFlight--);
        }
      }
      await sleep(100);
    }
    while (inFlight > 0) await sleep(50);
  }

  beforeAll(async () => {
    // The webhook sink: Alertmanager posts { alerts: [{ status, labels }] }.
    sink = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const msg = JSON.parse(body) as {
          alerts: Array<{ status: Notification['status']; labels: Record<string, string> }>;
        };
        for (const a of msg.alerts) received.push({ alertname: a.labels.alertname as string, status: a.status });
        res.writeHead(200).end();
      });
    });
    const [sinkPort, amPort] = [await getFreePort(), await getFreePort()];
    appPort = await getFreePort();
    await new Promise<void>((r) => sink.listen(sinkPort, '127.0.0.1', r));

    fs.writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      stringify({
        route: {
          receiver: 'sink',
          group_by: ['alertname'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1h',
        },
        receivers: [{ name: 'sink', webhook_configs: [{ url: `http://127.0.0.1:${sinkPort}/`, send_resolved: true }] }],
      }),
    );
    alertmanager = spawn(
      ALERTMANAGER,
      [
        `--config.file=${path.join(dir, 'alertmanager.yml')}`,
        `--storage.path=${path.join(dir, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    await until(
      'alertmanager ready',
      () => fetch(`http://127.0.0.1:${amPort}/-/ready`).then((r) => (r.ok ? true : undefined)),
      20_000,
    );

    // The generated rules for the test config, with every `for:` at 1s.
    const rules = prometheusAlertFile(buildRules(testConfig), testConfig.runbookBaseUrl);
    for (const g of rules.groups) for (const r of g.rules) r.for = '1s';
    fs.writeFileSync(path.join(dir, 'rules.yml'), stringify(rules));

    pulse = createPulse({ serviceName: JOB, http: { express }, metrics: { registry: new Registry() } });
    pulse.health.add({ name: 'db', critical: true, interval: 200, check: () => !faults.health });
    app = express();
    app.use(pulse.middleware());
    app.get('/api/fail', (_req, res) => void res.status(faults.error ? 500 : 200).json({}));
    app.get('/api/slow', async (_req, res) => {
      if (faults.slow) await sleep(300);
      res.json({});
    });
    pulse.mount(app);
    await startApp();

    prom = await startPrometheus({
      targets: [{ job: JOB, address: `127.0.0.1:${appPort}` }],
      ruleFiles: [path.join(ROOT, OUTPUT_PATHS.prometheusRecording), path.join(dir, 'rules.yml')],
      alertmanagerUrl: `http://127.0.0.1:${amPort}`,
      extraArgs: ['--rules.alert.resend-delay=1s'],
    });
    await prom.waitForScrapes(JOB, 2);
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    if (alertmanager?.pid) alertmanager.kill('SIGTERM');
    await stopApp();
    await pulse?.shutdown();
    sink?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const induced = ['PulseHighErrorRatio', 'PulseHighLatency', 'PulseCriticalHealthCheckFailing'];

  it('error burst, slow route and failing health check arrive firing', async () => {
    Object.assign(faults, { error: true, slow: true, health: true });
    const allFiring = () => induced.every((a) => has(a, 'firing'));
    await drive(['/api/fail', '/api/slow'], 10, allFiring, 60_000);
    await until('firing notifications', () => (allFiring() ? true : undefined), 5_000).catch(() => undefined);
    expect(induced.filter((a) => !has(a, 'firing'))).toEqual([]);
  }, 90_000);

  it('and resolve once the faults are gone', async () => {
    Object.assign(faults, { error: false, slow: false, health: false });
    const allResolved = () => induced.every((a) => has(a, 'resolved'));
    // Healthy traffic dilutes the 5m windows below the thresholds.
    await drive(['/api/fail', '/api/slow'], 40, allResolved, 90_000);
    expect(induced.filter((a) => !has(a, 'resolved'))).toEqual([]);
  }, 120_000);

  it('a stopped target arrives as PulseServerLost, and resolves when it is back', async () => {
    await stopApp();
    await until('PulseServerLost firing', () => has('PulseServerLost', 'firing'), 30_000);
    await startApp();
    await until('PulseServerLost resolved', () => has('PulseServerLost', 'resolved'), 30_000);
  }, 90_000);
});
