import express from 'express';

export const orders = express.Router();

orders.get('/:orderId/pay', async (req) => {
  await new Promise((r) => setImmediate(r));
  throw new Error(`payment for order ${req.params.orderId} declined`);
});

orders.get('/:orderId/ship', async function shipOrder(req) {
  await new Promise((r) => setImmediate(r));
  throw new Error(`shipment of order ${req.params.orderId} failed`);
});
