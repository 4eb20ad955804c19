import { Router } from 'express';
import type pg from 'pg';
import { handler } from '../async-handler';
import { positiveInt, text } from '../validation';

/** The feed's page size: one comments query and one author query per post (the N+1). */
export const FEED_SIZE = 10;

/** Posts and comments, including the deliberate N+1 of the feed. */
export function postsRouter(pool: pg.Pool): Router {
  const router = Router();

  // Deliberate N+1: the latest posts, then each post's author and comments one query at a time.
  // The fix would be one JOIN (see GET /posts/:postId) or a `post_id = ANY($1)` batch.
  router.get(
    '/posts/feed',
    handler(async (_req, res) => {
      const { rows: posts } = await pool.query<{ id: number; user_id: number; title: string }>(
        'SELECT id, user_id, title FROM posts ORDER BY created_at DESC LIMIT $1',
        [FEED_SIZE],
      );
      const feed = [];
      for (const post of posts) {
        const author = await pool.query('SELECT id, name FROM users WHERE id = $1', [post.user_id]);
        const comments = await pool.query(
          'SELECT id, user_id, body FROM comments WHERE post_id = $1 ORDER BY id DESC LIMIT 3',
          [post.id],
        );
        feed.push({ ...post, author: author.rows[0], comments: comments.rows });
      }
      res.json(feed);
    }),
  );

  router.get(
    '/posts/:postId',
    handler(async (req, res) => {
      const id = positiveInt(req.params.postId, 'postId');
      const { rows } = await pool.query(
        `SELECT p.id, p.title, p.body, u.name AS author,
                coalesce(json_agg(json_build_object('id', c.id, 'body', c.body)) FILTER (WHERE c.id IS NOT NULL), '[]') AS comments
           FROM posts p JOIN users u ON u.id = p.user_id LEFT JOIN comments c ON c.post_id = p.id
          WHERE p.id = $1 GROUP BY p.id, u.name`,
        [id],
      );
      if (rows.length === 0) {
        res.status(404).json({ error: 'no such post' });
        return;
      }
      res.json(rows[0]);
    }),
  );

  router.post(
    '/posts/:postId/comments',
    handler(async (req, res) => {
      const postId = positiveInt(req.params.postId, 'postId');
      const userId = positiveInt(req.body?.userId, 'userId');
      const body = text(req.body?.body, 'body', 1, 2000);
      const { rows } = await pool.query(
        `INSERT INTO comments (post_id, user_id, body)
           SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM posts WHERE id = $1) RETURNING id, post_id, body`,
        [postId, userId, body],
      );
      if (rows.length === 0) {
        res.status(404).json({ error: 'no such post' });
        return;
      }
      res.status(201).json(rows[0]);
    }),
  );

  return router;
}
