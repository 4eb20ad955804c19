const Router = require('@koa/router');
const { items } = require('./items');

const api = new Router({ prefix: '/api/:version' });
api.use('/items', items.routes(), items.allowedMethods());
api.get('/status', async (ctx) => {
  ctx.body = { ok: true };
});
module.exports = { api };
