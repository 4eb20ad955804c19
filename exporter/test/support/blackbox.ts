// Real uptime probes for tests: Debian's prometheus-blackbox-exporter with the shipped module
// config (provisioning/blackbox/blackbox.yml), plus an HTTPS endpoint with a two-day self-signed
// certificate and a module that accepts it, so certificate expiry has something to show.
// Prometheus scrapes it the way provisioning/prometheus/prometheus.yml does: job `blackbox`,
// the probed URL as `instance`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { getFreePort } from './free-port';
import type { ScrapeTarget } from './prometheus';

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';
const SHIPPED_CONFIG = path.resolve(__dirname, '../../../provisioning/blackbox/blackbox.yml');
/** The shipped `http_2xx` module, but trusting the test's self-signed certificate. */
export const SELF_SIGNED_MODULE = 'http_2xx_self_signed';

export interface Blackbox {
  /** `https://127.0.0.1:<port>/health`: answers 200 with a certificate valid for two days. */
  tlsUrl: string;
  /** A Prometheus scrape target probing `url` with `module`, labelled like the stack's. */
  probe(url: string, module?: string): ScrapeTarget;
  stop(): Promise<void>;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function selfSignedCertificate(dir: string): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const subject = ['-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', ...subject], {
    stdio: 'ignore',
  });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

export async function startBlackbox(): Promise<Blackbox> {
  if (!fs.existsSync(BLACKBOX))
    throw new Error(`${BLACKBOX} not found: install Debian's prometheus-blackbox-exporter (.ci/run does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-blackbox-'));
  let tls: https.Server | undefined;
  let blackbox: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (blackbox?.exitCode === null) {
      const exited = new Promise((r) => blackbox!.once('exit', r));
      blackbox.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => (tls ? tls.close(r) : r(undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    tls = https.createServer(selfSignedCertificate(dir), (_req, res) => res.writeHead(200).end('ok'));
    const [tlsPort, port] = [await getFreePort(), await getFreePort()];
    await new Promise<void>((r) => tls!.listen(tlsPort, '127.0.0.1', r));

    const config = parse(fs.readFileSync(SHIPPED_CONFIG, 'utf8'));
    const base = config.modules.http_2xx;
    config.modules[SELF_SIGNED_MODULE] = {
      ...base,
      http: { ...base.http, tls_config: { insecure_skip_verify: true } },
    };
    fs.writeFileSync(path.join(dir, 'blackbox.yml'), stringify(config));
    const args = [`--config.file=${path.join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`];
    blackbox = spawn(BLACKBOX, args, { stdio: 'ignore' });
    await until('the blackbox exporter', () => fetch(`http://127.0.0.1:${port}/-/healthy`).then((r) => r.ok));

    return {
      tlsUrl: `https://127.0.0.1:${tlsPort}/health`,
      probe: (url, module = 'http_2xx') => ({
        job: 'blackbox',
        address: `127.0.0.1:${port}`,
        metricsPath: '/probe',
        labels: { instance: url, __param_target: url, __param_module: module },
      }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
