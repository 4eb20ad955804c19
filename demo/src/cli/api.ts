// `npm run start:api -w demo`: only the demo API (the compose stack runs payments and traffic
// as their own services). Env: PORT (3000), HOST, DATABASE_URL (embedded PGlite when unset),
// DEMO_SCHEMA, PAYMENTS_URL (http://127.0.0.1:4000), LOKI_URL, PULSE_ENV.
import { startDemo } from '../start-demo';
import { fail, onShutdownSignal, optional, portFromEnv } from './env';

try {
  const demo = await startDemo({
    port: portFromEnv('PORT', 3000),
    host: optional('HOST') ?? '127.0.0.1',
    databaseUrl: optional('DATABASE_URL'),
    schema: optional('DEMO_SCHEMA'),
    paymentsUrl: optional('PAYMENTS_URL') ?? 'http://127.0.0.1:4000',
    lokiUrl: optional('LOKI_URL'),
    captureUncaught: true,
  });
  console.error(`demo API on ${demo.baseUrl} (metrics ${demo.baseUrl}/metrics, health ${demo.baseUrl}/health)`);
  onShutdownSignal(demo.stop);
} catch (err) {
  fail(err);
}
