import { excludeFromDependencyTracking } from '@pulse-apm/exporter';
import { TEST_CARDS } from '../payments/app';
import { DEFAULT_CARD } from '../api/routes/orders';
import { ORDERING_USERS } from './mix';
import { trafficClient } from './http';
import { allowedTargetsFromEnv, checkTrafficTarget } from './targets';

// A fixed burst that touches every route and every signal once or more, with the status each
// request must get. Tests and the live-stack fixture use it; the random generator is for humans.

export interface BurstStep {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** The status the demo must answer. */
  expect: number;
  /** Which signal this step is here for. */
  why: string;
  /** Runs after every step without `after` finished (it depends on their writes). */
  after?: true;
}

export interface BurstResult extends BurstStep {
  status: number;
}

/** The steps; `tag` makes created rows unique per burst (e-mails). */
export function burstSteps(tag: string): BurstStep[] {
  const order = (card: string, userId = 1) => ({
    userId,
    items: [
      { sku: 'sku-1', quantity: 2 },
      { sku: 'sku-7', quantity: 1 },
    ],
    card,
  });
  const email = `burst-${tag}@example.com`;
  const noOrdersUser = ORDERING_USERS + 10;
  const steps: BurstStep[] = [
    { method: 'GET', path: '/api/v1/users?limit=5', expect: 200, why: 'http 2xx' },
    { method: 'GET', path: '/api/v1/users?limit=500', expect: 422, why: 'validation' },
    { method: 'GET', path: '/api/v1/users/1', expect: 200, why: 'http 2xx' },
    { method: 'GET', path: '/api/v1/users/999999', expect: 404, why: 'http 4xx' },
    { method: 'GET', path: '/api/v1/users/abc', expect: 422, why: 'validation' },
    { method: 'GET', path: '/api/v1/users/2/posts', expect: 200, why: 'indexed read' },
    { method: 'POST', path: '/api/v1/users', body: { name: 'Burst', email }, expect: 201, why: 'insert' },
    {
      method: 'POST',
      path: '/api/v1/users',
      body: { name: 'Burst', email },
      expect: 409,
      why: 'db error (unique violation)',
      after: true,
    },
    { method: 'POST', path: '/api/v1/users', body: { name: '', email: 'x' }, expect: 422, why: 'validation' },
    { method: 'GET', path: '/api/v1/posts/1', expect: 200, why: 'join' },
    { method: 'GET', path: '/api/v1/posts/99999999', expect: 404, why: 'http 4xx' },
    {
      method: 'POST',
      path: '/api/v1/posts/1/comments',
      body: { userId: 3, body: 'burst comment' },
      expect: 201,
      why: 'insert',
    },
    { method: 'POST', path: '/api/v1/posts/1/comments', body: { userId: 3, body: '' }, expect: 422, why: 'validation' },
    { method: 'GET', path: '/api/v1/search?q=a', expect: 422, why: 'validation' },
    { method: 'POST', path: '/api/v1/orders', body: order(DEFAULT_CARD), expect: 201, why: 'dependency success' },
    { method: 'POST', path: '/api/v1/orders', body: order(DEFAULT_CARD, 2), expect: 201, why: 'dependency success' },
    { method: 'POST', path: '/api/v1/orders', body: order(TEST_CARDS.declined), expect: 402, why: 'dependency 402' },
    {
      method: 'POST',
      path: '/api/v1/orders',
      body: order(TEST_CARDS.processingError),
      expect: 502,
      why: 'dependency 500',
    },
    { method: 'POST', path: '/api/v1/orders', body: order(TEST_CARDS.slow), expect: 502, why: 'dependency timeout' },
    { method: 'POST', path: '/api/v1/orders', body: { userId: 1, items: [] }, expect: 422, why: 'validation' },
    {
      method: 'POST',
      path: '/api/v1/orders',
      body: order(DEFAULT_CARD, 999999),
      expect: 422,
      why: 'db error (foreign key)',
    },
    { method: 'GET', path: '/api/v1/orders/99999999', expect: 404, why: 'http 4xx' },
    {
      method: 'GET',
      path: `/api/v1/users/${noOrdersUser}/recommendations`,
      expect: 500,
      why: 'captured error (TypeError)',
    },
    { method: 'GET', path: '/api/v1/reports/revenue', expect: 500, why: 'db error → 500' },
    { method: 'GET', path: '/no/such/page', expect: 404, why: 'unmatched route' },
  ];
  // Repeated so N+1 and slow-query counters, and every latency histogram, get several samples.
  for (let i = 0; i < 3; i++) {
    steps.push({ method: 'GET', path: '/api/v1/posts/feed', expect: 200, why: 'N+1' });
    steps.push({
      method: 'GET',
      path: `/api/v1/search?q=${['pulse', 'latency', 'grafana'][i]}`,
      expect: 200,
      why: 'slow query',
    });
  }
  return steps;
}

export interface BurstOptions {
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Non-loopback origins allowed (as for startTraffic). Default TRAFFIC_TARGET's list. */
  allowedTargets?: string[];
  /** Makes created rows unique; default a timestamp. */
  tag?: string;
}

/**
 * Runs every step against the demo at `baseUrl` and returns each step with the status it got.
 * Then reads back the first paid order (GET /orders/:id and a recommendation that now works).
 */
export async function driveBurst(baseUrl: string, options: BurstOptions = {}): Promise<BurstResult[]> {
  const origin = checkTrafficTarget(baseUrl, options.allowedTargets ?? allowedTargetsFromEnv());
  excludeFromDependencyTracking(origin);
  const concurrency = options.concurrency ?? 4;
  const steps = burstSteps(options.tag ?? `${Date.now()}-${Math.floor(Math.random() * 1e6)}`);
  const client = trafficClient(concurrency);
  const results: BurstResult[] = [];
  try {
    let queue: BurstStep[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queue.length) {
        const step = queue[next++]!;
        const r = await client.send(step.method, origin + step.path, step.body).catch(() => ({ status: 0, body: '' }));
        results.push({ ...step, status: r.status });
        if (step.expect === 201 && step.path === '/api/v1/orders' && r.status === 201) {
          const id = (JSON.parse(r.body) as { id: number }).id;
          const read = await client.send('GET', `${origin}/api/v1/orders/${id}`).catch(() => ({ status: 0 }));
          results.push({
            method: 'GET',
            path: `/api/v1/orders/${id}`,
            expect: 200,
            why: 'read back',
            status: read.status,
          });
        }
      }
    };
    for (const phase of [steps.filter((s) => !s.after), steps.filter((s) => s.after)]) {
      queue = phase;
      next = 0;
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    const rec = await client.send('GET', `${origin}/api/v1/users/1/recommendations`).catch(() => ({ status: 0 }));
    results.push({
      method: 'GET',
      path: '/api/v1/users/1/recommendations',
      expect: 200,
      why: 'works once user 1 ordered',
      status: rec.status,
    });
  } finally {
    client.close();
  }
  return results;
}
