// Variant 3: express-prom-bundle with method + path labels and its default
// path normalisation (includePath: true -> url-value-parser, e.g. /api/users/#val).
import express from 'express';
import promBundle from 'express-prom-bundle';
import { addRoutes, serve } from './common.mjs';

const app = express();
app.use(promBundle({ includeMethod: true, includePath: true }));
addRoutes(app, express);
await serve(app, { metricsPath: '/metrics' });
