// `npm run start:payments -w demo`: the payments service. Env: PORT (4000), HOST,
// PAYMENTS_FAILURE_RATE (0.05), PAYMENTS_LATENCY_MS (`20-250` or one number), LOKI_URL, PULSE_ENV.
import { startPayments } from '../payments/start';
import { fail, onShutdownSignal, optional, portFromEnv, ratioFromEnv } from './env';

function latencyFromEnv(): number | [number, number] | undefined {
  const raw = optional('PAYMENTS_LATENCY_MS');
  if (raw === undefined) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!m) throw new Error(`PAYMENTS_LATENCY_MS: expected ms or min-max (e.g. 20-250), got ${JSON.stringify(raw)}`);
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

try {
  const payments = await startPayments({
    port: portFromEnv('PORT', 4000),
    host: optional('HOST') ?? '127.0.0.1',
    failureRate: ratioFromEnv('PAYMENTS_FAILURE_RATE', 0.05),
    latencyMs: latencyFromEnv(),
    lokiUrl: optional('LOKI_URL'),
    captureUncaught: true,
  });
  console.error(
    `payments on ${payments.baseUrl} (metrics ${payments.baseUrl}/metrics, health ${payments.baseUrl}/health)`,
  );
  onShutdownSignal(payments.stop);
} catch (err) {
  fail(err);
}
