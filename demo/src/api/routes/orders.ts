import { Router } from 'express';
import type pg from 'pg';
import type { paymentsClient } from '../payments-client';
import { handler } from '../async-handler';
import { ValidationError, positiveInt, text } from '../validation';

/** A test card that always succeeds (payments' own test cards decline or fail; see payments/app.ts). */
export const DEFAULT_CARD = '4242424242424242';

interface Item {
  sku: string;
  quantity: number;
}

function parseItems(value: unknown): Item[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 20) {
    throw new ValidationError('items', 'expected an array of 1–20 items');
  }
  return value.map((item: { sku?: unknown; quantity?: unknown }, i) => {
    const sku = text(item?.sku, `items[${i}].sku`, 1, 40);
    const quantity = positiveInt(item?.quantity, `items[${i}].quantity`);
    if (quantity > 99) throw new ValidationError(`items[${i}].quantity`, 'expected at most 99');
    return { sku, quantity };
  });
}

/** A stable price per SKU, so totals need no catalogue table. */
function priceCents(sku: string): number {
  let h = 0;
  for (const c of sku) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 500 + (h % 9_500);
}

/**
 * Orders: POST /orders stores a pending order with its items (one statement), charges it through the payments service and
 * answers 201 (paid), 402 (declined), 502 (payments failed or timed out) or 422 (bad input,
 * unknown user: a foreign-key violation).
 */
export function ordersRouter(pool: pg.Pool, payments: ReturnType<typeof paymentsClient>): Router {
  const router = Router();

  router.post(
    '/orders',
    handler(async (req, res) => {
      const userId = positiveInt(req.body?.userId, 'userId');
      const items = parseItems(req.body?.items);
      const card = req.body?.card === undefined ? DEFAULT_CARD : text(req.body.card, 'card', 12, 19);
      const total = items.reduce((sum, item) => sum + priceCents(item.sku) * item.quantity, 0);

      // One statement, so the order and its items are stored atomically without a multi-statement
      // transaction (PGlite's socket server interleaves the statements of concurrent connections).
      let orderId: number;
      try {
        const { rows } = await pool.query<{ id: number }>(
          `WITH o AS (INSERT INTO orders (user_id, status, total_cents) VALUES ($1, 'pending', $2) RETURNING id),
                items AS (INSERT INTO order_items (order_id, sku, quantity, price_cents)
                            SELECT o.id, i.sku, i.quantity, i.price FROM o, unnest($3::text[], $4::int[], $5::int[]) AS i(sku, quantity, price))
           SELECT id FROM o`,
          [userId, total, items.map((i) => i.sku), items.map((i) => i.quantity), items.map((i) => priceCents(i.sku))],
        );
        orderId = rows[0]!.id;
      } catch (err) {
        if ((err as { code?: string }).code === '23503') throw new ValidationError('userId', 'no such user');
        throw err;
      }

      const result = await payments.charge({ orderId, amountCents: total, card });
      const status = result.outcome;
      await pool.query('UPDATE orders SET status = $2, payment_id = $3 WHERE id = $1', [
        orderId,
        status,
        result.outcome === 'paid' ? result.paymentId : null,
      ]);
      if (result.outcome === 'paid') res.status(201).json({ id: orderId, status, total_cents: total });
      else if (result.outcome === 'declined') res.status(402).json({ id: orderId, status, error: result.reason });
      else res.status(502).json({ id: orderId, status, error: `payments: ${result.reason}` });
    }),
  );

  router.get(
    '/orders/:orderId',
    handler(async (req, res) => {
      const id = positiveInt(req.params.orderId, 'orderId');
      const { rows } = await pool.query(
        `SELECT o.id, o.user_id, o.status, o.total_cents, o.payment_id,
                coalesce(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity)) FILTER (WHERE i.sku IS NOT NULL), '[]') AS items
           FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE o.id = $1 GROUP BY o.id`,
        [id],
      );
      if (rows.length === 0) {
        res.status(404).json({ error: 'no such order' });
        return;
      }
      res.json(rows[0]);
    }),
  );

  return router;
}
