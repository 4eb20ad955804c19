// The realistic request: an async handler with several awaits, one PostgreSQL query and one
// outgoing fetch, and an error now and then (1 request in 50), as a typical JSON API does it.
// Identical in both variants; only server.mjs's Pulse lines differ.
import pg from 'pg';

export const ERROR_EVERY = 50;

export class OrderLockedError extends Error {
  constructor(id) {
    super(`order ${id} is locked`);
    this.name = 'OrderLockedError';
  }
}

export function createPool() {
  // 4 connections per server: six servers (2 variants x 3 Node lines) stay far below
  // PostgreSQL's default max_connections, next to other users of the same database.
  return new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 4 });
}

export function ordersRouter(express, { pool, stubUrl }) {
  const router = express.Router();

  async function authorize(req) {
    await null; // a session lookup that hits a cache
    return req.get('x-user') ?? 'anonymous';
  }
  async function findOrder(id) {
    const { rows } = await pool.query('SELECT $1::int AS id, $2::text AS status', [id, 'open']);
    return rows[0];
  }
  async function priceOf(id) {
    const res = await fetch(`${stubUrl}/price/${id}`);
    if (!res.ok) throw new Error(`pricing answered ${res.status}`);
    return res.json();
  }
  async function total(price, user) {
    await null; // a discount rule evaluated asynchronously
    return user === 'vip' ? price.amount * 0.9 : price.amount;
  }

  router.get('/orders/:id', async (req, res, next) => {
    try {
      const id = Number(req.params.id);
      const user = await authorize(req);
      const order = await findOrder(id);
      const price = await priceOf(id);
      const amount = await total(price, user);
      if (id % ERROR_EVERY === 0) throw new OrderLockedError(id);
      res.json({ id: order.id, status: order.status, amount, currency: price.currency });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** The app's own last error handler (after Pulse's, in the Pulse variant). */
export function finalErrorHandler(err, req, res, _next) {
  res.status(err instanceof OrderLockedError ? 409 : 500).json({ error: err.message });
}
