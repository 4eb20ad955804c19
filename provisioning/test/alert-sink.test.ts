/**
 * The stack's webhook sink (provisioning/alert-sink/alert-sink.mjs) accepts only notifications
 * signed the way Grafana's webhook contact point signs them with `hmacConfig` (hex HMAC-SHA256 of
 * "<timestamp>:<body>", grafana/alerting http/hmac.go), and refuses to start without a secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { getFreePort } from '../../exporter/test/support/free-port';
import { ROOT } from './support/repo';

const SINK = path.join(ROOT, 'provisioning/alert-sink/alert-sink.mjs');
const SECRET = 'test-secret-\u00e9';
const body = JSON.stringify({
  status: 'firing',
  title: 'PulseX (demo)',
  alerts: [{ status: 'firing', labels: { alertname: 'PulseX' } }],
});

function sign(payload: string, timestamp: number, secret = SECRET): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}:${payload}`).digest('hex');
  return { 'X-Grafana-Alerting-Signature': signature, 'X-Grafana-Alerting-Timestamp': String(timestamp) };
}
const now = () => Math.floor(Date.now() / 1000);

describe('alert sink verifies the HMAC signature', () => {
  let sink: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await getFreePort();
    url = `http://127.0.0.1:${port}`;
    sink = spawn(process.execPath, [SINK], {
      env: { PORT: String(port), WEBHOOK_HMAC_SECRET: SECRET },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const ok = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('alert sink did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => void sink?.kill('SIGTERM'));

  const post = (payload: string, headers: Record<string, string>) =>
    fetch(`${url}/alerts`, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const stored = async () => ((await (await fetch(`${url}/alerts`)).json()) as unknown[]).length;

  it('accepts a notification signed with the shared secret', async () => {
    const before = await stored();
    const res = await post(body, sign(body, now()));
    expect(res.status).toBe(200);
    expect(await stored()).toBe(before + 1);
  });

  it.each([
    ['unsigned', () => ({})],
    ['signed with another secret', () => sign(body, now(), 'wrong')],
    ['signed over another body (tampered)', () => sign(body.replace('firing', 'resolved'), now())],
    ['replayed: timestamp 10 minutes old', () => sign(body, now() - 600)],
    ['timestamp in the future', () => sign(body, now() + 600)],
    ['malformed signature', () => ({ ...sign(body, now()), 'X-Grafana-Alerting-Signature': 'zz' })],
    [
      'signature of the wrong length',
      () => ({ ...sign(body, now()), 'X-Grafana-Alerting-Signature': 'ab'.repeat(16) }),
    ],
  ])('rejects a notification %s with 401 and does not store it', async (_what, headers) => {
    const before = await stored();
    const res = await post(body, headers());
    expect(res.status).toBe(401);
    expect(await stored()).toBe(before);
  });

  it('refuses to start without a secret (unsigned alerts are never accepted)', async () => {
    const child = spawn(process.execPath, [SINK], { env: { PORT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(stderr).toContain('WEBHOOK_HMAC_SECRET is not set');
  });
});
