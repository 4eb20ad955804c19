import { Router } from 'express';
import type pg from 'pg';
import { handler } from '../async-handler';

/** A broken report, on purpose: its SQL names a column that does not exist (a db error, then a 500). */
export function reportsRouter(pool: pg.Pool): Router {
  const router = Router();
  router.get(
    '/reports/revenue',
    handler(async (_req, res) => {
      const { rows } = await pool.query(
        "SELECT date_trunc('day', created_at) AS day, sum(amount_cents) AS revenue FROM orders GROUP BY 1 ORDER BY 1",
      );
      res.json(rows);
    }),
  );
  return router;
}
