// Variant 2: the reference floor: a hand-written prom-client histogram middleware,
// res.on('finish') + one observe with method/route/status labels.
import express from 'express';
import client from 'prom-client';
import { addRoutes, serve } from './common.mjs';
import { promClientMiddleware } from './prom-client-middleware.mjs';

const app = express();
app.use(promClientMiddleware(client));
addRoutes(app, express);
app.get('/metrics', async (req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});
await serve(app, { metricsPath: '/metrics' });
