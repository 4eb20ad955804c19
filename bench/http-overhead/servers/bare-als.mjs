// Variant: bare Express plus one AsyncLocalStorage.run per request, the floor any request
// context pays on Node 20 (its async hook runs for every async resource the request creates).
import { AsyncLocalStorage } from 'node:async_hooks';
import express from 'express';
import { addRoutes, serve } from './common.mjs';

const als = new AsyncLocalStorage();
const app = express();
app.use((req, res, next) => als.run({ req }, next));
addRoutes(app, express);
await serve(app);
