import Router from '@koa/router';
import { items } from './items.js';

export const api = new Router({ prefix: '/api/:version' });
api.use('/items', items.routes(), items.allowedMethods());
api.get('/status', async (ctx) => {
  ctx.body = { ok: true };
});
