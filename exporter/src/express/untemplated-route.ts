import { HTTP_UNTEMPLATED_ROUTE_PREFIX } from '../catalog/http';
import { isCatchAllPath } from './catch-all';
import { templateAppRoutes, templateOf } from './route-templates';

// A request an Express route handled, but whose route Pulse never wrapped: a router of an
// Express copy Pulse did not see, an app it never met through `req.app`, or a request whose
// context was lost on the way (a callback queue outside AsyncLocalStorage). Its label is the
// route's own path behind a fixed prefix: bounded by the app's route definitions, never a raw
// path, and it says what is missing (the mount paths) instead of posing as unmatched.

let warned = false;
const walkedApps = new WeakSet<object>();

export const UNTEMPLATED_ROUTE_FIX =
  'start the app with `node --import @pulse-apm/exporter/register app.js` (ES modules) or ' +
  '`node --require @pulse-apm/exporter/register app.js` (CommonJS), so Pulse sees every router as it is built';

/** The label of a request a route handled without Pulse's template, or undefined (no route did). */
export function untemplatedRoute(req: unknown): string | undefined {
  const r = req as { route?: { path?: unknown } | null; app?: object };
  const route = r.route;
  if (route === undefined || route === null || route.path === undefined) return undefined;
  // A catch-all route that answered 404 matched nothing in particular (see catch-all.ts).
  if (typeof route.path === 'string' && isCatchAllPath(route.path)) return undefined;
  const label = HTTP_UNTEMPLATED_ROUTE_PREFIX + templateOf(route.path);
  const app = r.app;
  if (app !== undefined && !walkedApps.has(app)) {
    walkedApps.add(app);
    templateAppRoutes(app); // the app's later requests get their templates
  }
  if (!warned) {
    warned = true;
    process.emitWarning(
      `Pulse did not see the router of the Express route "${templateOf(route.path)}" (a router behind a ` +
        `function, or another Express copy), so it lacks its mount paths: its requests are counted as ` +
        `http_route="${label}". Fix: ${UNTEMPLATED_ROUTE_FIX}.`,
      { code: 'PULSE_UNTEMPLATED_ROUTE' },
    );
  }
  return label;
}
