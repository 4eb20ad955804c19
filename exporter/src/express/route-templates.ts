import { createRequire } from 'node:module';
import { join } from 'node:path';
import { contextOfRequest } from '../context/request-context';

// Express does not remember route templates with their mount paths: `req.baseUrl` holds the
// matched *values* of a mount (`/api/v1`, not `/api/:version`). So, like OpenTelemetry, Pulse
// records each layer's registration path when `use()` / `route()` is called, and joins the
// templates of the layers a request passes through at dispatch time.
// Works for Express 4 (router in express/lib/router) and Express 5 (the `router` package).

/** Where the wrappers below write what they learn; the HTTP signal's request context is one. */
export interface RouteCarrier {
  /** The request the carrier belongs to: a wrapper only writes to its own request's carrier. */
  readonly request: unknown;
  /** Template of the route that handled the request, mount paths included. */
  route: string | undefined;
  /** Templates of the routers the request is inside right now, joined. */
  mountTemplate: string | undefined;
  /** Template of a path-mounted plain middleware the request passed (static files etc.). */
  mountedMiddleware: string | undefined;
}

const kPatched = Symbol('pulse.patched');

type Handle = (req: unknown, res: unknown, next: (err?: unknown) => void) => unknown;
interface Layer {
  handle: Handle;
  route?: { path: unknown };
}
interface RouterLike {
  stack: Layer[];
  use(...args: unknown[]): unknown;
  route(path: unknown): unknown;
  [kPatched]?: true;
}
/**
 * The carrier of the request being dispatched: its request context, never a property on `req`.
 * Express's request objects are megamorphic already, and every symbol read or write on one missed
 * V8's inline caches and took the slow lookup path (~10% of a bare Express request, counted with
 * callgrind; adding one property cost ~5 us in a CPU profile).
 */
function carrierOf(req: unknown): RouteCarrier | undefined {
  return contextOfRequest(req) as RouteCarrier | undefined;
}

export function templateOf(path: unknown): string {
  if (typeof path === 'string') return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (Array.isArray(path)) return path.map(templateOf).join(',');
  return String(path);
}

export function joinTemplates(prefix: string | undefined, path: string): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return path;
  if (path === '/' || path === '') return prefix;
  return prefix + path;
}

function isRouterOrApp(handle: Handle): boolean {
  const h = handle as unknown as { stack?: unknown; name?: string };
  return Array.isArray(h.stack) || h.name === 'mounted_app';
}

function wrapMountedLayer(layer: Layer, mount: string): void {
  const handle = layer.handle;
  if (handle.length > 3) return; // error handlers are told apart by arity: leave them alone
  if (isRouterOrApp(handle)) {
    // The last outer template and its join, reused: the same string object every request, so
    // no concatenation per request and later Map lookups by route hit a cached hash.
    let lastOuter: string | undefined;
    let lastJoined = joinTemplates(undefined, mount);
    layer.handle = function pulseMountedRouter(req, res, next) {
      const carrier = carrierOf(req);
      if (carrier === undefined) return handle(req, res, next); // a request Pulse does not measure
      const outer = carrier.mountTemplate;
      if (outer !== lastOuter) {
        lastOuter = outer;
        lastJoined = joinTemplates(outer, mount);
      }
      carrier.mountTemplate = lastJoined;
      return handle(req, res, (err?: unknown) => {
        carrier.mountTemplate = outer; // leaving the router: its mount no longer applies
        next(err);
      });
    };
  } else {
    layer.handle = function pulseMountedMiddleware(req, res, next) {
      const carrier = carrierOf(req);
      if (carrier !== undefined) carrier.mountedMiddleware = joinTemplates(carrier.mountTemplate, mount) + '/*';
      return handle(req, res, next);
    };
  }
}

function wrapRouteLayer(layer: Layer, path: string): void {
  const dispatch = layer.handle;
  let lastMount: string | undefined;
  let lastRoute = joinTemplates(undefined, path);
  layer.handle = function pulseRoute(req, res, next) {
    const carrier = carrierOf(req);
    if (carrier !== undefined) {
      if (carrier.mountTemplate !== lastMount) {
        lastMount = carrier.mountTemplate;
        lastRoute = joinTemplates(lastMount, path);
      }
      carrier.route = lastRoute;
    }
    return dispatch(req, res, next);
  };
}

/** Patches `use` and `route` on a router prototype, once. */
export function patchRouterPrototype(proto: RouterLike): boolean {
  if (proto[kPatched] || typeof proto.use !== 'function' || typeof proto.route !== 'function') return false;
  const use = proto.use;
  const route = proto.route;
  proto.use = function pulseUse(this: RouterLike, ...args: unknown[]) {
    const before = this.stack.length;
    const result = use.apply(this, args);
    // Same disambiguation as Express: the first argument is a path unless it is (an array of) functions.
    let first = args[0];
    while (Array.isArray(first) && first.length > 0) first = first[0];
    const mount = typeof first === 'function' ? '/' : templateOf(args[0]);
    if (mount !== '/') for (let i = before; i < this.stack.length; i++) wrapMountedLayer(this.stack[i]!, mount);
    return result;
  };
  proto.route = function pulseRouteFactory(this: RouterLike, path: unknown) {
    const result = route.call(this, path);
    const layer = this.stack[this.stack.length - 1];
    if (layer !== undefined && layer.route === result) wrapRouteLayer(layer, templateOf(path));
    return result;
  };
  Object.defineProperty(proto, kPatched, { value: true });
  return true;
}

/** The object holding `use`/`route` for an `express` module's routers (Express 4 or 5). */
export function routerPrototypeOf(express: unknown): RouterLike | undefined {
  const Router = (express as { Router?: { prototype?: Partial<RouterLike> } & Partial<RouterLike> })?.Router;
  if (Router === undefined) return undefined;
  if (typeof Router.prototype?.use === 'function' && typeof Router.prototype?.route === 'function') {
    return Router.prototype as RouterLike; // Express 5: methods on Router.prototype
  }
  return typeof Router.use === 'function' ? (Router as RouterLike) : undefined; // Express 4: on Router itself
}

/** Router prototype of a running app (`req.app`), for apps whose express Pulse could not find up front. */
export function routerPrototypeOfApp(app: unknown): RouterLike | undefined {
  const a = app as { _router?: object; router?: object };
  const router = a._router ?? a.router; // Express 4 / Express 5
  if (router === undefined) return undefined;
  const proto = Object.getPrototypeOf(router) as RouterLike | null;
  return proto !== null && typeof proto.use === 'function' ? proto : undefined;
}

export function isPatched(proto: RouterLike): boolean {
  return proto[kPatched] === true;
}

/**
 * Finds every loaded copy of express (and the app's own, resolved from the working directory)
 * and patches its routers, so routes registered after createPulse() carry templates.
 */
export function patchLoadedExpress(explicit: unknown): number {
  const found = new Set<RouterLike>();
  const add = (mod: unknown): void => {
    const proto = routerPrototypeOf(mod);
    if (proto !== undefined) found.add(proto);
  };
  if (explicit !== undefined) add(explicit);
  const localRequire = createRequire(join(process.cwd(), 'noop.js'));
  for (const mod of Object.values(localRequire.cache)) {
    const exp = mod?.exports as ((...args: unknown[]) => unknown) & { Router?: unknown; application?: unknown };
    if (typeof exp === 'function' && exp.Router !== undefined && exp.application !== undefined) add(exp);
  }
  try {
    add(localRequire('express'));
  } catch {
    // No express next to the app: it may use another copy (found above) or plain node:http.
  }
  let patched = 0;
  for (const proto of found) if (patchRouterPrototype(proto)) patched++;
  return patched;
}
