import { Router } from 'express';
import type pg from 'pg';
import { handler } from '../async-handler';
import { ValidationError, positiveInt, text } from '../validation';

/** Users: list, one, create (422 on bad input, 409 on a duplicate e-mail: a failed INSERT), their posts. */
export function usersRouter(pool: pg.Pool): Router {
  const router = Router();

  router.get(
    '/users',
    handler(async (req, res) => {
      const limit = req.query.limit === undefined ? 20 : positiveInt(req.query.limit, 'limit');
      if (limit > 100) throw new ValidationError('limit', 'expected at most 100');
      const { rows } = await pool.query('SELECT id, name, email FROM users ORDER BY id LIMIT $1', [limit]);
      res.json(rows);
    }),
  );

  router.post(
    '/users',
    handler(async (req, res) => {
      const name = text(req.body?.name, 'name', 1, 80);
      const email = text(req.body?.email, 'email', 3, 200);
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new ValidationError('email', 'expected an e-mail address');
      try {
        const { rows } = await pool.query('INSERT INTO users (name, email) VALUES ($1, $2) RETURNING id, name, email', [
          name,
          email,
        ]);
        res.status(201).json(rows[0]);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') {
          res.status(409).json({ error: 'email already registered' });
          return;
        }
        throw err;
      }
    }),
  );

  router.get(
    '/users/:userId',
    handler(async (req, res) => {
      const id = positiveInt(req.params.userId, 'userId');
      const { rows } = await pool.query('SELECT id, name, email, created_at FROM users WHERE id = $1', [id]);
      if (rows.length === 0) {
        res.status(404).json({ error: 'no such user' });
        return;
      }
      res.json(rows[0]);
    }),
  );

  router.get(
    '/users/:userId/posts',
    handler(async (req, res) => {
      const id = positiveInt(req.params.userId, 'userId');
      const { rows } = await pool.query(
        'SELECT id, title, created_at FROM posts WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20',
        [id],
      );
      res.json(rows);
    }),
  );

  // A code bug, on purpose: recommendations for a user without orders dereference undefined (500).
  router.get(
    '/users/:userId/recommendations',
    handler(async (req, res) => {
      const id = positiveInt(req.params.userId, 'userId');
      const { rows } = await pool.query<{ sku: string }>(
        'SELECT i.sku FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.user_id = $1 ORDER BY o.id DESC LIMIT 1',
        [id],
      );
      const lastSku = (rows[0] as { sku: string }).sku; // TypeError when the user has no orders
      res.json({ because: lastSku, skus: [`${lastSku}-refill`, `${lastSku}-case`] });
    }),
  );

  return router;
}
