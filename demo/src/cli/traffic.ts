// `npm run start:traffic -w demo`: the traffic generator alone. Env: TRAFFIC_TARGET (the demo's
// URL(s), comma-separated; listing a non-loopback origin here is what allows it; default
// http://127.0.0.1:3000), PAYMENTS_URL (optional: error spikes also cause a payments outage;
// setting it allows that origin for the outage calls only),
// TRAFFIC_RPS (peak requests/s, 15), TRAFFIC_DAY_SECONDS (length of the compressed day, 300).
import { startTraffic } from '../traffic/generator';
import { allowedTargetsFromEnv } from '../traffic/targets';
import { fail, onShutdownSignal, optional } from './env';

function numberFromEnv(name: string): number | undefined {
  const raw = optional(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

try {
  const listed = allowedTargetsFromEnv();
  const targets = listed.length > 0 ? listed : ['http://127.0.0.1:3000'];
  const rps = numberFromEnv('TRAFFIC_RPS');
  const day = numberFromEnv('TRAFFIC_DAY_SECONDS');
  const paymentsUrl = optional('PAYMENTS_URL');
  // PAYMENTS_URL is an explicit opt-in too: the generator only posts outages there, once per spike.
  const allowedTargets = paymentsUrl === undefined ? listed : [...listed, paymentsUrl];
  const stops = targets.map((target) =>
    startTraffic(target, {
      allowedTargets,
      paymentsUrl,
      ...(rps !== undefined ? { peakRequestsPerSecond: rps } : {}),
      ...(day !== undefined ? { dayLengthMs: day * 1000 } : {}),
    }),
  );
  console.error(`traffic → ${targets.join(', ')}`);
  onShutdownSignal(async () => {
    await Promise.all(stops.map((stop) => stop()));
  });
} catch (err) {
  fail(err);
}
