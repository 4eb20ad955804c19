// Real uptime probes for the probes dashboard: Debian's prometheus-blackbox-exporter with the
// shipped module config, scraped by a private Prometheus the way provisioning/prometheus/prometheus.yml
// does (job `blackbox`, the probed URL as `instance`), plus an HTTPS endpoint with a two-day
// self-signed certificate so the certificate-expiry panel has something to show.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { getFreePort } from '../../../exporter/test/support/free-port';
import { startPrometheus, type PrometheusHandle } from '../../../exporter/test/support/prometheus';
import { ROOT } from './repo';

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';
const SELF_SIGNED_MODULE = 'http_2xx_self_signed';

export interface Probes {
  prom: PrometheusHandle;
  /** Every probed URL (the `instance` values), the HTTPS one last. */
  urls: string[];
  stop(): Promise<void>;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Probes `urls` with the `http_2xx` module (and a local HTTPS endpoint with the self-signed variant). */
export async function startProbes(urls: string[]): Promise<Probes> {
  if (!fs.existsSync(BLACKBOX))
    throw new Error(`${BLACKBOX} not found: install Debian's prometheus-blackbox-exporter (.ci/run does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-probes-'));
  let tls: https.Server | undefined;
  let blackbox: ChildProcess | undefined;
  let prom: PrometheusHandle | undefined;
  const stop = async () => {
    await prom?.stop();
    if (blackbox?.exitCode === null) {
      const exited = new Promise((r) => blackbox!.once('exit', r));
      blackbox.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => (tls ? tls.close(r) : r(undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      {
        stdio: 'ignore',
      },
    );
    tls = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) =>
      res.writeHead(200).end('ok'),
    );
    const [tlsPort, bbPort] = [await getFreePort(), await getFreePort()];
    await new Promise<void>((r) => tls!.listen(tlsPort, '127.0.0.1', r));
    const tlsUrl = `https://127.0.0.1:${tlsPort}/health`;

    const config = parse(fs.readFileSync(path.join(ROOT, 'provisioning/blackbox/blackbox.yml'), 'utf8'));
    const base = config.modules.http_2xx;
    config.modules[SELF_SIGNED_MODULE] = {
      ...base,
      http: { ...base.http, tls_config: { insecure_skip_verify: true } },
    };
    fs.writeFileSync(path.join(dir, 'blackbox.yml'), stringify(config));
    blackbox = spawn(
      BLACKBOX,
      [`--config.file=${path.join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${bbPort}`],
      {
        stdio: 'ignore',
      },
    );
    await until('the blackbox exporter', () => fetch(`http://127.0.0.1:${bbPort}/-/healthy`).then((r) => r.ok));

    const probe = (url: string, module: string) => ({
      job: 'blackbox',
      address: `127.0.0.1:${bbPort}`,
      metricsPath: '/probe',
      labels: { instance: url, __param_target: url, __param_module: module },
    });
    prom = await startPrometheus({
      targets: [...urls.map((u) => probe(u, 'http_2xx')), probe(tlsUrl, SELF_SIGNED_MODULE)],
    });
    await prom.waitForScrapes('blackbox', 3);
    return { prom, urls: [...urls, tlsUrl], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
