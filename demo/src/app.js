import express from 'express';

// The demo API. Data lives in memory for now; the database-backed version comes with the stack.

const users = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `user-${i + 1}` }));
const posts = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, userId: (i % 50) + 1, title: `post ${i + 1}` }));

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApp(pulse) {
  const app = express();
  app.use(pulse.middleware());
  app.use(express.json());

  const api = express.Router();
  api.get('/users', (_req, res) => res.json(users));
  api.get('/users/:userId', (req, res) => {
    const user = users.find((u) => u.id === Number(req.params.userId));
    if (!user) return res.status(404).json({ error: 'no such user' });
    res.json(user);
  });
  api.get('/users/:userId/posts', (req, res) => res.json(posts.filter((p) => p.userId === Number(req.params.userId))));
  api.get('/search', async (_req, res) => {
    await pause(200 + Math.random() * 600); // the slow endpoint
    res.json(posts.slice(0, 10));
  });
  api.post('/orders', (req, res) => {
    if (typeof req.body?.userId !== 'number') return res.status(422).json({ error: 'userId must be a number' });
    if (Math.random() < 0.05) throw new Error('payment provider unavailable');
    res.status(201).json({ id: Math.floor(Math.random() * 1e6), userId: req.body.userId });
  });
  app.use('/api/:version', api);

  app.use(pulse.errorHandler());
  app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }));
  pulse.mount(app);
  return app;
}
