import Router from '@koa/router';
import { pool } from '../db.js';
import { reviews } from './reviews.js';

export const items = new Router();
const created = [];

items.get('/', async (ctx) => {
  ctx.body = created;
});
items.post('/', async (ctx) => {
  created.push(ctx.request.body.name);
  ctx.status = 201;
  ctx.body = { name: ctx.request.body.name };
});
items.get('/:itemId', async (ctx) => {
  ctx.body = { id: ctx.params.itemId };
});
// A query and an outgoing call after the body was parsed, in an async handler.
items.post('/:itemId/stock', async (ctx) => {
  const { rows } = await pool.query('select $1::int as id, $2::int as qty', [ctx.params.itemId, ctx.request.body.qty]);
  const res = await fetch(process.env.DOWNSTREAM_URL);
  ctx.body = { ...rows[0], downstream: res.status };
});
items.get('/:itemId/fail', async () => {
  throw new Error('stock service exploded');
});
items.get('/:itemId/gone', async (ctx) => {
  ctx.throw(404, 'no such item');
});
items.use('/:itemId/reviews', reviews.routes(), reviews.allowedMethods());
