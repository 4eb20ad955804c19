// Preload entry: `node --import @pulse-apm/exporter/register app.js` (ESM) or
// `node --require @pulse-apm/exporter/register app.cjs` (CommonJS). Optional: Pulse templates
// routes registered before createPulse() without it; this covers routers Pulse cannot reach from
// the app (another Express copy, an app never passed to pulse.mount() that is not `req.app`).
import { patchExpressAsItLoads } from './express/preload';

patchExpressAsItLoads();
