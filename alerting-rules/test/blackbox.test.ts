/**
 * Uptime probes for real: Debian's prometheus-blackbox-exporter, with the shipped module config,
 * probes local endpoints (one healthy, one answering 500, one HTTPS with a certificate valid for
 * two days); Prometheus scrapes it with the generated rules loaded, and the probe rules see it:
 * PulseProbeFailed and PulseCertificateExpiryImminent go pending for the right targets only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { getFreePort } from '../../exporter/test/support/free-port';
import { startPrometheus, type PrometheusHandle, type PromVector } from '../../exporter/test/support/prometheus';
import { OUTPUT_PATHS } from '../src/outputs';
import { promql } from '../src/queries';

const ROOT = path.resolve(__dirname, '../..');
const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const byInstance = (v: PromVector): Record<string, number> =>
  Object.fromEntries(v.map((s) => [s.metric.instance as string, s.value]));

describe('blackbox probes with the generated rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-blackbox-'));
  let web: http.Server;
  let tls: https.Server;
  let blackbox: ChildProcess;
  let prom: PrometheusHandle;
  let urls: { ok: string; fail: string; tls: string };

  beforeAll(async () => {
    web = http.createServer((req, res) => res.writeHead(req.url === '/health/ready' ? 200 : 500).end('x'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    tls = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => res.writeHead(200).end('ok'));
    const [webPort, tlsPort, bbPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
    await Promise.all([new Promise<void>((r) => web.listen(webPort, '127.0.0.1', r)), new Promise<void>((r) => tls.listen(tlsPort, '127.0.0.1', r))]);
    urls = {
      ok: `http://127.0.0.1:${webPort}/health/ready`,
      fail: `http://127.0.0.1:${webPort}/broken`,
      tls: `https://127.0.0.1:${tlsPort}/health`,
    };

    // The shipped modules, plus one that accepts the test's self-signed certificate.
    const config = parse(fs.readFileSync(path.join(ROOT, 'provisioning/blackbox/blackbox.yml'), 'utf8'));
    config.modules.http_2xx_self_signed = { ...config.modules.http_2xx, http: { ...config.modules.http_2xx.http, tls_config: { insecure_skip_verify: true } } };
    fs.writeFileSync(path.join(dir, 'blackbox.yml'), stringify(config));
    blackbox = spawn(BLACKBOX, [`--config.file=${path.join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${bbPort}`], { stdio: 'ignore' });
    await until('blackbox exporter', () => fetch(`http://127.0.0.1:${bbPort}/metrics`).then((r) => (r.ok ? true : undefined)));

    const probe = (url: string, module: string) => ({
      job: 'blackbox',
      address: `127.0.0.1:${bbPort}`,
      metricsPath: '/probe',
      labels: { instance: url, __param_target: url, __param_module: module },
    });
    prom = await startPrometheus({
      targets: [probe(urls.ok, 'http_2xx'), probe(urls.fail, 'http_2xx'), probe(urls.tls, 'http_2xx_self_signed')],
      ruleFiles: [path.join(ROOT, OUTPUT_PATHS.prometheusRecording), path.join(ROOT, OUTPUT_PATHS.prometheusAlerts)],
    });
    await prom.waitForScrapes('blackbox', 2);
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    if (blackbox?.pid) blackbox.kill('SIGTERM');
    web?.close();
    tls?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports success, failure, duration and certificate expiry per URL', async () => {
    expect(byInstance(await prom.query(promql.probeSuccess()))).toEqual({ [urls.ok]: 1, [urls.fail]: 0, [urls.tls]: 1 });
    const durations = byInstance(await prom.query(promql.probeDuration()));
    expect(Object.keys(durations).sort()).toEqual(Object.values(urls).sort());
    for (const d of Object.values(durations)) expect(d).toBeGreaterThan(0);
    const days = byInstance(await prom.query(promql.certExpiryDays()));
    expect(Object.keys(days)).toEqual([urls.tls]);
    expect(days[urls.tls]).toBeGreaterThan(1.9);
    expect(days[urls.tls]).toBeLessThan(2.1);
  });

  it('records the probe duration the latency anomaly rule reads', async () => {
    const recorded = await until('recording rule', async () => {
      const v = await prom.query(promql.RECORDED.probeDuration);
      return v.length === 3 ? v : undefined;
    });
    expect(recorded.every((s) => s.value > 0)).toBe(true);
  });

  it('puts PulseProbeFailed and PulseCertificateExpiryImminent pending for the right URLs only', async () => {
    const pending = (alert: string) =>
      until(`${alert} pending`, async () => {
        const v = await prom.query(`ALERTS{alertname="${alert}"}`);
        return v.length > 0 ? v.map((s) => `${s.metric.instance} ${s.metric.alertstate}`) : undefined;
      });
    expect(await pending('PulseProbeFailed')).toEqual([`${urls.fail} pending`]);
    expect(await pending('PulseCertificateExpiryImminent')).toEqual([`${urls.tls} pending`]);
    expect(await pending('PulseCertificateExpiringSoon')).toEqual([`${urls.tls} pending`]);
  });
});
