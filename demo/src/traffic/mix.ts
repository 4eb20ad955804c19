import { TEST_CARDS } from '../payments/app';
import { DEFAULT_CARD } from '../api/routes/orders';
import type { Phase } from './schedule';

// What a request looks like at a given phase of the day. Weights are relative; spikes and the
// slow period shift the mix rather than adding a separate stream.

export interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Users that place orders; 181–200 never do, so their recommendations always fail (500). */
export const ORDERING_USERS = 180;
const TERMS = ['pulse', 'latency', 'grafana', 'postgres', 'cache', 'queue', 'tracing'];

type Rnd = () => number;
const int = (rnd: Rnd, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));
const pick = <T>(rnd: Rnd, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

function order(rnd: Rnd, card: string): PlannedRequest {
  const items = Array.from({ length: int(rnd, 1, 3) }, () => ({
    sku: `sku-${int(rnd, 1, 40)}`,
    quantity: int(rnd, 1, 3),
  }));
  return { method: 'POST', path: '/api/v1/orders', body: { userId: int(rnd, 1, ORDERING_USERS), items, card } };
}

const candidates: { weight: (p: Phase) => number; make: (rnd: Rnd) => PlannedRequest }[] = [
  { weight: () => 10, make: () => ({ method: 'GET', path: '/api/v1/users?limit=20' }) },
  { weight: () => 18, make: (r) => ({ method: 'GET', path: `/api/v1/users/${int(r, 1, 215)}` }) }, // > 200: 404
  { weight: () => 8, make: (r) => ({ method: 'GET', path: `/api/v1/users/${int(r, 1, 200)}/posts` }) },
  { weight: () => 8, make: () => ({ method: 'GET', path: '/api/v1/posts/feed' }) },
  { weight: () => 14, make: (r) => ({ method: 'GET', path: `/api/v1/posts/${int(r, 1, 2_050)}` }) }, // > 2000: 404
  {
    weight: () => 4,
    make: (r) => ({
      method: 'POST',
      path: `/api/v1/posts/${int(r, 1, 2_000)}/comments`,
      body: { userId: int(r, 1, 200), body: r() < 0.1 ? '' : `Nice write-up on ${pick(r, TERMS)}` }, // '' → 422
    }),
  },
  {
    weight: (p) => (p.slow ? 30 : 2),
    make: (r) => ({ method: 'GET', path: `/api/v1/search?q=${pick(r, TERMS)}` }),
  },
  { weight: () => 7, make: (r) => order(r, r() < 0.03 ? TEST_CARDS.declined : DEFAULT_CARD) },
  { weight: (p) => (p.errorSpike ? 10 : 0.3), make: (r) => order(r, TEST_CARDS.processingError) },
  { weight: (p) => (p.errorSpike ? 4 : 0.2), make: (r) => order(r, TEST_CARDS.slow) },
  {
    weight: (p) => (p.errorSpike ? 6 : 0.5),
    make: () => ({ method: 'POST', path: '/api/v1/orders', body: { userId: 'x', items: [] } }),
  },
  { weight: () => 3, make: (r) => ({ method: 'GET', path: `/api/v1/orders/${int(r, 1, 500)}` }) },
  {
    weight: () => 1.5,
    make: (r) => ({
      method: 'POST',
      path: '/api/v1/users',
      // a small id space: some land on an existing e-mail (409, a unique violation)
      body: r() < 0.2 ? { name: '', email: 'nope' } : { name: 'New user', email: `new${int(r, 1, 300)}@example.com` },
    }),
  },
  {
    weight: (p) => (p.errorSpike ? 8 : 1.5),
    make: (r) => ({ method: 'GET', path: `/api/v1/users/${int(r, 1, 200)}/recommendations` }),
  },
  { weight: (p) => (p.errorSpike ? 6 : 0.3), make: () => ({ method: 'GET', path: '/api/v1/reports/revenue' }) },
  {
    weight: () => 0.7,
    make: (r) => ({ method: 'GET', path: pick(r, ['/wp-login.php', '/api/v2/users', '/favicon.ico']) }),
  },
];

export function planRequest(phase: Phase, rnd: Rnd = Math.random): PlannedRequest {
  const weights = candidates.map((c) => c.weight(phase));
  let x = rnd() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < candidates.length; i++) {
    x -= weights[i]!;
    if (x < 0) return candidates[i]!.make(rnd);
  }
  return candidates[0]!.make(rnd);
}
