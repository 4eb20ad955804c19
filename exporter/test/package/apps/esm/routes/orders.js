import express from 'express';

const tick = () => new Promise((resolve) => setImmediate(resolve));

export const orders = express.Router();

orders.get('/:orderId', async (req, res) => {
  await tick();
  res.json({ id: req.params.orderId });
});

orders.get('/:orderId/fail', async (_req, _res, next) => {
  await tick();
  next(new Error('payment provider timed out'));
});
