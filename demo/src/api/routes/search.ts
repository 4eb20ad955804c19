import { Router } from 'express';
import type pg from 'pg';
import { handler } from '../async-handler';
import { text } from '../validation';

/**
 * The slow endpoint: a case-insensitive substring search over every post and comment. A leading
 * wildcard defeats any B-tree index, so PostgreSQL scans and joins both tables on every call
 * (a trigram index would fix it). 422 when `q` is missing or shorter than 3 characters.
 */
export function searchRouter(pool: pg.Pool): Router {
  const router = Router();
  router.get(
    '/search',
    handler(async (req, res) => {
      const q = text(req.query.q, 'q', 3, 100);
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const { rows } = await pool.query(
        `SELECT p.id, p.title, count(c.id) AS matching_comments
           FROM posts p JOIN comments c ON c.post_id = p.id
          WHERE p.body ILIKE $1 OR c.body ILIKE $1
          GROUP BY p.id, p.title
          ORDER BY matching_comments DESC, p.id
          LIMIT 20`,
        [pattern],
      );
      res.json({ q, results: rows });
    }),
  );
  return router;
}
