// Variant 1: bare Express 4, no instrumentation (the baseline).
import express from 'express';
import { addRoutes, serve } from './common.mjs';

const app = express();
addRoutes(app, express);
await serve(app);
