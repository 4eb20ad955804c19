import http from 'node:http';
import { startPayments, type RunningPayments } from '../src/payments/start';
import { SLOW_CARD_DELAY_MS, TEST_CARDS, validateBehaviour } from '../src/payments/app';
import { get } from './metrics-text';

function post(url: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('the payments service', () => {
  let payments: RunningPayments;
  beforeAll(async () => {
    payments = await startPayments({ failureRate: 0, latencyMs: [1, 5], healthIntervalMs: 50 });
  });
  afterAll(() => payments?.stop());
  const charge = (card: string, amount = 1200) =>
    post(`${payments.baseUrl}/charge`, { order_id: 1, amount_cents: amount, currency: 'EUR', card });

  it('charges a good card and remembers the charge', async () => {
    const res = await charge('4242424242424242');
    expect(res.status).toBe(201);
    const { id } = JSON.parse(res.body) as { id: string };
    const read = await get(`${payments.baseUrl}/charges/${id}`);
    expect(JSON.parse(read.body)).toMatchObject({ id, amount_cents: 1200, order_id: 1 });
  });

  it('answers the test cards with their fixed outcomes', async () => {
    expect((await charge(TEST_CARDS.declined)).status).toBe(402);
    const failed = await charge(TEST_CARDS.processingError);
    expect([failed.status, JSON.parse(failed.body).error]).toEqual([500, 'processing_error']);
  });

  it('validates the charge (422 naming the field)', async () => {
    const res = await charge('12', 0);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).error).toMatch(/^amount_cents/);
    expect(JSON.parse((await charge('12')).body).error).toMatch(/^card/);
  });

  it('fails every charge and its critical processor check during an outage', async () => {
    expect((await post(`${payments.baseUrl}/admin/outage`, { seconds: 60 })).status).toBe(200);
    expect((await charge('4242424242424242')).status).toBe(503);
    await new Promise((r) => setTimeout(r, 300)); // a few health check runs
    const ready = await get(`${payments.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    payments.state.outageUntil = 0;
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(`${payments.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('when degraded, keeps charging and stays ready, but /health says 207', async () => {
    expect((await post(`${payments.baseUrl}/admin/outage`, { seconds: 60, mode: 'degraded' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await charge('4242424242424242')).status).toBe(201);
    expect((await get(`${payments.baseUrl}/health/ready`)).status).toBe(200);
    expect((await get(`${payments.baseUrl}/health`)).status).toBe(207);
    payments.state.degradedUntil = 0;
  });

  it('fails at the configured rate', async () => {
    payments.state.failureRate = 1;
    expect((await charge('4242424242424242')).status).toBe(503);
    payments.state.failureRate = 0;
    expect((await charge('4242424242424242')).status).toBe(201);
  });

  it('exposes its metrics as serviceName payments (no dependency metrics of its own)', async () => {
    const text = (await get(`${payments.baseUrl}/metrics`)).body;
    expect(text).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_route="\/charge"/);
    expect(text).toMatch(/pulse_health_check_status\{check="processor",critical="true"\}/);
    expect(text).not.toMatch(/^http_client_request_duration_seconds_count/m);
  });
});

describe('payments options', () => {
  it('names the bad option', () => {
    expect(() => validateBehaviour({ failureRate: 2 })).toThrow(/^failureRate/);
    expect(() => validateBehaviour({ latencyMs: [50, 10] })).toThrow(/^latencyMs/);
    expect(validateBehaviour({})).toEqual({ failureRate: 0.05, latencyMs: [20, 250] });
  });

  it('delays the slow card past the demo timeout', () => {
    expect(SLOW_CARD_DELAY_MS).toBeGreaterThan(2_000);
  });
});
