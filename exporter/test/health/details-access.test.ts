/**
 * Who sees what on /health, over real HTTP. Check errors name tokens, card numbers, internal
 * hosts and ports; `?verbose=true` adds details such as signed URLs. Anonymous callers get the
 * status and the check names only, verbose or not; `health.auth` (scheme in any letter case, as
 * on /metrics) or `health.details: 'public'` unlock details, and those are redacted.
 */
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createPulse, type Pulse } from '../../src/index';

const pulses: Pulse[] = [];
afterAll(async () => {
  await Promise.all(pulses.map((p) => p.shutdown()));
});

const SIGNED_URL =
  'https://bucket.s3.amazonaws.com/r.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

async function appWith(health: Parameters<typeof createPulse>[0]['health']): Promise<express.Express> {
  const pulse = createPulse({
    serviceName: 'health-access-test',
    metrics: { registry: new Registry(), defaultMetrics: false, auth: { username: 'prom', password: 'scrape-pw' } },
    runtime: { enabled: false },
    deps: { enabled: false },
    health,
  });
  pulses.push(pulse);
  pulse.health.add({
    name: 'payments',
    critical: false,
    check: () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (token=tok_8f7e6d5c4b3a, card 4111 1111 1111 1111)');
    },
  });
  pulse.health.add({ name: 'reports', check: () => ({ status: 'healthy', details: { url: SIGNED_URL } }) });
  await pulse.health.run();
  const app = express();
  app.use(pulse.middleware());
  pulse.mount(app);
  return app;
}

const SUMMARY = { status: 'degraded', checks: { payments: { status: 'unhealthy' }, reports: { status: 'healthy' } } };

test('by default anonymous callers get the status and check names only, verbose or not', async () => {
  const app = await appWith({});
  for (const path of ['/health', '/health?verbose=true']) {
    const res = await request(app).get(path);
    expect(res.status).toBe(207);
    expect(res.body).toEqual(SUMMARY);
  }
  expect((await request(app).get('/health/ready')).status).toBe(200);
});

test.each([
  ['bearer', { bearerToken: 'h-token' }, 'bearer h-token'],
  ['BEARER', { bearerToken: 'h-token' }, 'BEARER h-token'],
  ['basic', { username: 'ops', password: 'h-pw' }, `basic ${Buffer.from('ops:h-pw').toString('base64')}`],
] as const)(
  'health.auth (%s scheme) unlocks details, redacted; anonymous still get the summary',
  async (_s, auth, header) => {
    const app = await appWith({ auth });
    expect((await request(app).get('/health?verbose=true')).body).toEqual(SUMMARY);
    const res = await request(app).get('/health?verbose=true').set('Authorization', header);
    expect(res.status).toBe(207);
    const payments = res.body.checks.payments;
    expect(payments.error).toContain('10.0.3.7:5432'); // useful to whoever may see details
    expect(payments.error).not.toContain('tok_8f7e6d5c4b3a');
    expect(payments.error).not.toContain('4111 1111 1111 1111');
    expect(res.body.checks.reports.details.url).toMatch(/X-Amz-Signature=\[REDACTED\]$/);
    expect((await request(app).get('/health').set('Authorization', 'Bearer wrong')).status).toBe(401);
  },
);

test("health.details: 'public' shows details to everyone, redacted all the same", async () => {
  const app = await appWith({ details: 'public' });
  const res = await request(app).get('/health?verbose=true');
  expect(res.body.checks.payments.error).toMatch(/^connect ECONNREFUSED 10\.0\.3\.7:5432 \(token=\[REDACTED\]/);
  expect(JSON.stringify(res.body)).not.toContain('9f86d081884c7d659a2feaa0c55ad015');
});

test('/metrics matches auth schemes in any letter case too', async () => {
  const app = await appWith({});
  const basic = Buffer.from('prom:scrape-pw').toString('base64');
  for (const scheme of ['Basic', 'basic', 'BASIC']) {
    expect((await request(app).get('/metrics').set('Authorization', `${scheme} ${basic}`)).status).toBe(200);
  }
  expect(
    (
      await request(app)
        .get('/metrics')
        .set('Authorization', `basic ${Buffer.from('prom:x').toString('base64')}`)
    ).status,
  ).toBe(401);
});
