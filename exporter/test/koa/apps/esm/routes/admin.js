import Router from '@koa/router';

class Forbidden extends Error {
  status = 403;
}

export const admin = new Router({ prefix: '/admin' });
// A router-level middleware that rejects before the route runs.
admin.use(async (ctx, next) => {
  if (ctx.get('x-role') !== 'admin') throw new Forbidden('admins only');
  await next();
});
admin.get('/users/:userId', async (ctx) => {
  ctx.body = { user: ctx.params.userId };
});
