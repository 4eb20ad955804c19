// A Koa app as Koa users write it: routers in their own modules (nested, with prefixes), a body
// parser, an error-handling middleware that answers and emits, the app's own error listener.
const Koa = require('koa');
const bodyParser = require('koa-bodyparser');
const { pulse } = require('./pulse');
const { api } = require('./routes/api');
const { admin } = require('./routes/admin');

const app = new Koa();
app.use(pulse.koa());

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    if (err.status !== 403) throw err; // Koa answers the rest itself
    ctx.status = err.status;
    ctx.body = { error: err.message };
    ctx.app.emit('error', err, ctx);
  }
});
app.use(bodyParser());
app.use(api.routes()).use(api.allowedMethods());
app.use(admin.routes()).use(admin.allowedMethods());

app.on('error', (err) => console.error(`app error: ${err.message}`));

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);
