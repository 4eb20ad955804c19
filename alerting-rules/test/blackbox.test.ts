/**
 * Uptime probes for real: Debian's prometheus-blackbox-exporter, with the shipped module config,
 * probes local endpoints (one healthy, one answering 500, one HTTPS with a certificate valid for
 * two days); Prometheus scrapes it with the generated rules loaded, and the probe rules see it:
 * PulseProbeFailed and PulseCertificateExpiryImminent go pending for the right targets only.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startBlackbox, SELF_SIGNED_MODULE, type Blackbox } from '../../exporter/test/support/blackbox';
import { getFreePort } from '../../exporter/test/support/free-port';
import { startPrometheus, type PrometheusHandle, type PromVector } from '../../exporter/test/support/prometheus';
import { OUTPUT_PATHS } from '../src/outputs';
import { promql } from '../src/queries';

const ROOT = path.resolve(__dirname, '../..');

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The generated recording rules with each group's own interval dropped (test-only): they run at
 * this Prometheus's 1s evaluation interval, where the stack's 1m/2m would outlast the waits below.
 */
function recordingRulesAtTestInterval(dir: string): string {
  const doc = parse(fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.prometheusRecording), 'utf8')) as {
    groups: Array<{ interval?: string }>;
  };
  const file = path.join(dir, 'recording.yml');
  fs.writeFileSync(file, stringify({ groups: doc.groups.map(({ interval: _interval, ...g }) => g) }));
  return file;
}

const byInstance = (v: PromVector): Record<string, number> =>
  Object.fromEntries(v.map((s) => [s.metric.instance as string, s.value]));

describe('blackbox probes with the generated rules', () => {
  let web: http.Server;
  let blackbox: Blackbox;
  let prom: PrometheusHandle;
  let urls: { ok: string; fail: string; tls: string };
  const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-blackbox-rules-'));

  beforeAll(async () => {
    web = http.createServer((req, res) => res.writeHead(req.url === '/health/ready' ? 200 : 500).end('x'));
    const webPort = await getFreePort();
    await new Promise<void>((r) => web.listen(webPort, '127.0.0.1', r));
    blackbox = await startBlackbox();
    urls = {
      ok: `http://127.0.0.1:${webPort}/health/ready`,
      fail: `http://127.0.0.1:${webPort}/broken`,
      tls: blackbox.tlsUrl,
    };
    const { probe } = blackbox;
    prom = await startPrometheus({
      targets: [probe(urls.ok), probe(urls.fail), probe(urls.tls, SELF_SIGNED_MODULE)],
      ruleFiles: [recordingRulesAtTestInterval(rulesDir), path.join(ROOT, OUTPUT_PATHS.prometheusAlerts)],
    });
    await prom.waitForScrapes('blackbox', 2);
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await blackbox?.stop();
    web?.close();
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  it('reports success, failure, duration and certificate expiry per URL', async () => {
    expect(byInstance(await prom.query(promql.probeSuccess()))).toEqual({
      [urls.ok]: 1,
      [urls.fail]: 0,
      [urls.tls]: 1,
    });
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

  it('puts PulseProbeFailed and PulseCertificateExpiryImminent pending for the right URLs only, not the certificate warning too', async () => {
    const pending = (alert: string) =>
      until(`${alert} pending`, async () => {
        const v = await prom.query(`ALERTS{alertname="${alert}"}`);
        return v.length > 0 ? v.map((s) => `${s.metric.instance} ${s.metric.alertstate}`) : undefined;
      });
    expect(await pending('PulseProbeFailed')).toEqual([`${urls.fail} pending`]);
    expect(await pending('PulseCertificateExpiryImminent')).toEqual([`${urls.tls} pending`]);
    // The warning stops where the critical starts (issue 18, item 7): evaluated with it, silent for a 2-day certificate.
    expect(await prom.query('ALERTS{alertname="PulseCertificateExpiringSoon"}')).toEqual([]);
  });
});
