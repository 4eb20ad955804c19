// The router is chosen per request (per tenant, or reloaded in development), so it sits behind a
// function: neither Express nor Pulse can see it from the app. Pulse templates its routes only
// when started with the preload (`node --import @pulse-apm/exporter/register`).
import express from 'express';
import { createPulse } from '@pulse-apm/exporter';
import { api } from './routes/api.js';

const routerFor = (_req) => api; // one tenant here

const pulse = createPulse({ serviceName: 'router-per-request' });
const app = express();
app.use(pulse.middleware());
app.use((req, res, next) => routerFor(req)(req, res, next));
pulse.mount(app);
const server = app.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
