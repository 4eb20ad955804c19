const express = require('express');

const tick = () => new Promise((resolve) => setImmediate(resolve));

const orders = express.Router();

orders.get('/:orderId', async (req, res) => {
  await tick();
  res.json({ id: req.params.orderId });
});

orders.get('/:orderId/fail', async (_req, _res, next) => {
  await tick();
  next(new Error('payment provider timed out'));
});

module.exports = { orders };
