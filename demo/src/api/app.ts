import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Pulse } from '@pulse-apm/exporter';
import type pg from 'pg';
import { paymentsClient } from './payments-client';
import { ordersRouter } from './routes/orders';
import { postsRouter } from './routes/posts';
import { reportsRouter } from './routes/reports';
import { searchRouter } from './routes/search';
import { usersRouter } from './routes/users';

/** Every route of the demo API and the signal it exercises (also the README's table and the burst's checklist). */
export const DEMO_ROUTES = [
  { method: 'GET', route: '/api/v1/users', shows: 'fast reads; 422 on a bad `limit`' },
  { method: 'POST', route: '/api/v1/users', shows: '201; 422 validation; 409 from a unique violation (db error)' },
  { method: 'GET', route: '/api/v1/users/:userId', shows: '200 / 404 / 422' },
  { method: 'GET', route: '/api/v1/users/:userId/posts', shows: 'indexed read' },
  {
    method: 'GET',
    route: '/api/v1/users/:userId/recommendations',
    shows: 'a code bug: 500 (TypeError) for users without orders',
  },
  { method: 'GET', route: '/api/v1/posts/feed', shows: 'N+1: one users and one comments query per post' },
  { method: 'GET', route: '/api/v1/posts/:postId', shows: 'the same data in one JOIN; 404' },
  { method: 'POST', route: '/api/v1/posts/:postId/comments', shows: 'writes; 422 validation; 404' },
  { method: 'GET', route: '/api/v1/search', shows: 'slow query: ILIKE scan over posts and comments; 422' },
  {
    method: 'POST',
    route: '/api/v1/orders',
    shows: 'insert + payments dependency: 201 / 402 declined / 502 payments failed or timed out / 422',
  },
  { method: 'GET', route: '/api/v1/orders/:orderId', shows: '200 / 404' },
  { method: 'GET', route: '/api/v1/reports/revenue', shows: 'db error (unknown column) → 500' },
] as const;

export interface DemoAppOptions {
  pulse: Pulse;
  pool: pg.Pool;
  paymentsUrl: string;
  paymentsTimeoutMs?: number;
}

/** The demo API. `pulse` must be created before this runs, so route templates are recorded. */
export function createDemoApp({ pulse, pool, paymentsUrl, paymentsTimeoutMs }: DemoAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pulse.middleware()); // first
  app.use(express.json({ limit: '64kb' }));

  const api = express.Router();
  api.use(usersRouter(pool));
  api.use(postsRouter(pool));
  api.use(searchRouter(pool));
  api.use(ordersRouter(pool, paymentsClient(paymentsUrl, paymentsTimeoutMs)));
  api.use(reportsRouter(pool));
  app.use('/api/v1', api);

  app.get('/', (_req, res) => {
    res.json({ service: 'demo', metrics: '/metrics', health: '/health', routes: DEMO_ROUTES });
  });

  app.use(pulse.errorHandler()); // records the error, passes it on
  const answerErrors: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message }); // e.g. malformed JSON from express.json()
      return;
    }
    res.status(500).json({ error: 'internal error', trace_id: res.getHeader('x-trace-id') });
  };
  app.use(answerErrors);
  pulse.mount(app); // /metrics, /health, /health/live, /health/ready
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}
