// `npm run demo` (root) / `npm start -w demo`: everything on this machine, no Docker.
//   database   DATABASE_URL, or an embedded PostgreSQL (PGlite) when unset
//   payments   started in-process on PAYMENTS_PORT (4000) unless PAYMENTS_URL is set
//   traffic    against the demo unless DEMO_TRAFFIC=off
//   logs       to Loki when LOKI_URL is set, JSON lines on stdout otherwise
import { startPayments, type RunningPayments } from './payments/start';
import { startDemo } from './start-demo';
import { fail, onShutdownSignal, optional, portFromEnv, ratioFromEnv } from './cli/env';

const started = Date.now();
let payments: RunningPayments | undefined;
try {
  const lokiUrl = optional('LOKI_URL');
  let paymentsUrl = optional('PAYMENTS_URL');
  if (paymentsUrl === undefined) {
    payments = await startPayments({
      port: portFromEnv('PAYMENTS_PORT', 4000),
      failureRate: ratioFromEnv('PAYMENTS_FAILURE_RATE', 0.05),
      lokiUrl,
    });
    paymentsUrl = payments.baseUrl;
  }
  const databaseUrl = optional('DATABASE_URL');
  if (databaseUrl === undefined)
    console.error('starting an embedded PostgreSQL (PGlite); set DATABASE_URL to use yours');
  const traffic = optional('DEMO_TRAFFIC') !== 'off';
  const demo = await startDemo({
    port: portFromEnv('PORT', 3000),
    host: optional('HOST') ?? '127.0.0.1',
    databaseUrl,
    schema: optional('DEMO_SCHEMA'),
    paymentsUrl,
    lokiUrl,
    captureUncaught: true,
    // Error spikes also switch the in-process payments into an outage.
    traffic: traffic ? { onErrorSpike: (ms) => payments && (payments.state.outageUntil = Date.now() + ms) } : false,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(
    [
      `Pulse demo ready in ${seconds} s`,
      `  API       ${demo.baseUrl}/api/v1/posts/feed  (routes: ${demo.baseUrl}/)`,
      `  metrics   ${demo.baseUrl}/metrics`,
      `  health    ${demo.baseUrl}/health`,
      `  payments  ${paymentsUrl}  (metrics ${paymentsUrl}/metrics, health ${paymentsUrl}/health)`,
      `  database  ${demo.embedded ? 'embedded PGlite' : 'DATABASE_URL'}, schema ${demo.schema}`,
      `  traffic   ${traffic ? 'on (DEMO_TRAFFIC=off to disable)' : 'off'}`,
      `  logs      ${lokiUrl ? `Loki at ${lokiUrl}` : 'JSON lines on stdout (set LOKI_URL to ship to Loki)'}`,
    ].join('\n'),
  );
  onShutdownSignal(async () => {
    await demo.stop();
    await payments?.stop();
  });
} catch (err) {
  await payments?.stop();
  fail(err);
}
