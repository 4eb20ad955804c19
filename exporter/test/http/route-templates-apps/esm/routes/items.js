import express from 'express';
import { reviews } from './reviews.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

export const items = express.Router();

items.get('/', async (_req, res) => {
  await tick();
  res.json([]);
});

items.post('/', async (_req, res) => {
  await tick();
  res.status(201).json({ created: true });
});

items.get('/:itemId', async (req, res) => {
  await tick();
  res.json({ id: req.params.itemId });
});

items.get('/:itemId/fail', async (_req, _res, next) => {
  await tick();
  next(new Error('item store unavailable'));
});

items.use('/:itemId/reviews', reviews);
