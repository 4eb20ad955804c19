import { createRequire } from 'node:module';
import { join } from 'node:path';
import { contextOfRequest } from '../context/request-context';
import { isCatchAllPath } from './catch-all';
import { express4PathOf } from './express4-mount-path';

// Express does not remember route templates with their mount paths: `req.baseUrl` holds the
// matched *values* of a mount (`/api/v1`, not `/api/:version`). So, like OpenTelemetry, Pulse
// wraps each layer with its registration path when `use()` / `route()` is called, and joins the
// templates of the layers a request passes through at dispatch time. Routes registered before
// Pulse patched Express (route modules imported first) are wrapped by a walk of the app's router
// stack, once, with the path read back from the layer (Express 5 keeps it, Express 4 keeps its
// compiled form). Works for Express 4 (express/lib/router) and Express 5 (the `router` package).

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

// Process-wide marks (Symbol.for), so that every copy of Pulse's code in the process (ESM and
// CommonJS builds, the `register` preload) patches a router once and wraps a layer once.
const kPatched = Symbol.for('pulse.express.routerPatched');
const kWrappers = Symbol.for('pulse.express.layerWrappers');
/** The handles Pulse put on layers; a WeakSet, so layers keep their shape (no mark property). */
const wrappers: WeakSet<object> =
  ((globalThis as Record<symbol, unknown>)[kWrappers] as WeakSet<object> | undefined) ?? new WeakSet<object>();
(globalThis as Record<symbol, unknown>)[kWrappers] = wrappers;

type Handle = (req: unknown, res: unknown, next: (err?: unknown) => void) => unknown;
export interface Layer {
  handle: Handle;
  route?: { path: unknown };
  /** Express 5 (`router` 2.x): the registration path, and whether it was `/`. */
  rawPath?: unknown;
  slash?: boolean;
  /** Express 4: the compiled path and its keys only. */
  regexp?: RegExp & { fast_slash?: boolean };
  keys?: { name: string | number }[];
}
export interface RouterLike {
  stack: Layer[];
  use(...args: unknown[]): unknown;
  route(path: unknown): unknown;
  handle?: (...args: unknown[]) => unknown;
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
  // Express 5 takes `*path` without its slash (Nest's 404 route under a prefix): `/api/*path`.
  return path.startsWith('/') || prefix.endsWith('/') ? prefix + path : prefix + '/' + path;
}

function isRouter(handle: Handle): handle is Handle & RouterLike {
  return Array.isArray((handle as unknown as { stack?: unknown }).stack);
}

/** Express wraps a mounted sub-application in a closure named `mounted_app` (4 and 5 alike). */
function isMountedApp(handle: Handle): boolean {
  return handle.name === 'mounted_app';
}

/** The object that owns `name` in the prototype chain of `router` (Express 5 puts one object in between). */
function ownerOf(router: object, name: string): RouterLike | undefined {
  for (let p: object | null = router; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.prototype.hasOwnProperty.call(p, name)) return p as RouterLike;
  }
  return undefined;
}

/**
 * Runs `run` (a call into a sub-application) and hands the first router whose `handle` it calls
 * to `onRouter`: the sub-application's own router, hidden in Express's `mounted_app` closure.
 * `handle` is swapped on the router prototype only while this synchronous call lasts.
 */
function withFirstRouter<R>(proto: RouterLike, onRouter: (router: RouterLike) => void, run: () => R): R {
  const own = Object.prototype.hasOwnProperty.call(proto, 'handle');
  const original = proto.handle!;
  const restore = (): void => {
    if (proto.handle !== discover) return;
    if (own) proto.handle = original;
    else delete proto.handle;
  };
  function discover(this: RouterLike, ...args: unknown[]): unknown {
    restore();
    onRouter(this);
    return original.apply(this, args);
  }
  proto.handle = discover;
  try {
    return run();
  } finally {
    restore();
  }
}

function wrapMountedLayer(layer: Layer, mount: string, parent: RouterLike): void {
  const handle = layer.handle;
  if (handle.length > 3) return; // error handlers are told apart by arity: leave them alone
  let wrapped: Handle;
  if (isRouter(handle) || isMountedApp(handle)) {
    // The last outer template and its join, reused: the same string object every request, so
    // no concatenation per request and later Map lookups by route hit a cached hash.
    let lastOuter: string | undefined;
    let lastJoined = joinTemplates(undefined, mount);
    // A sub-application's routes may predate Pulse: its router is found on the first request.
    const parentProto = isMountedApp(handle) ? ownerOf(parent, 'handle') : undefined;
    let findSubAppRouter = parentProto !== undefined;
    const enter = (req: unknown, res: unknown, next: (err?: unknown) => void): unknown => {
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
    wrapped = function pulseMountedRouter(req, res, next) {
      if (findSubAppRouter) {
        findSubAppRouter = false;
        return withFirstRouter(parentProto!, templateRouterRoutes, () => enter(req, res, next));
      }
      return enter(req, res, next);
    };
  } else {
    wrapped = function pulseMountedMiddleware(req, res, next) {
      const carrier = carrierOf(req);
      if (carrier !== undefined) carrier.mountedMiddleware = joinTemplates(carrier.mountTemplate, mount) + '/*';
      return handle(req, res, next);
    };
  }
  wrappers.add(wrapped);
  layer.handle = wrapped;
}

function wrapRouteLayer(layer: Layer, path: string): void {
  if (isCatchAllPath(path)) return wrapCatchAllLayer(layer, path);
  const dispatch = layer.handle;
  let lastMount: string | undefined;
  let lastRoute = joinTemplates(undefined, path);
  const wrapped: Handle = function pulseRoute(req, res, next) {
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
  wrappers.add(wrapped);
  layer.handle = wrapped;
}

/**
 * A catch-all route's template goes where a path-mounted middleware's does: the request's label
 * unless the response is a 404 (see catch-all.ts). A route matched before it passed the request
 * on, so its template no longer applies.
 */
function wrapCatchAllLayer(layer: Layer, path: string): void {
  const dispatch = layer.handle;
  let lastMount: string | undefined;
  let lastTemplate = joinTemplates(undefined, path);
  const wrapped: Handle = function pulseCatchAllRoute(req, res, next) {
    const carrier = carrierOf(req);
    if (carrier !== undefined) {
      if (carrier.mountTemplate !== lastMount) {
        lastMount = carrier.mountTemplate;
        lastTemplate = joinTemplates(lastMount, path);
      }
      carrier.route = undefined;
      carrier.mountedMiddleware = lastTemplate;
    }
    return dispatch(req, res, next);
  };
  wrappers.add(wrapped);
  layer.handle = wrapped;
}

/** The path a layer was registered with: Express 5 keeps it, Express 4 keeps its compiled form. */
function mountPathOf(layer: Layer): string {
  if (layer.slash === true || layer.regexp?.fast_slash === true) return '/';
  if (layer.rawPath !== undefined) return templateOf(layer.rawPath);
  if (layer.regexp !== undefined) return express4PathOf(layer.regexp, layer.keys) ?? templateOf(layer.regexp);
  return '/';
}

/**
 * Gives one `use()` layer its mount template, and the routes inside the router it mounts theirs.
 * `mount` is the registration path when known, else read back from the layer.
 */
function templateMountLayer(layer: Layer, mount: string, parent: RouterLike, seen: Set<object>): void {
  const handle = layer.handle;
  if (wrappers.has(handle)) return; // wrapped when registered: its router was templated then
  if (mount !== '/' || isMountedApp(handle)) wrapMountedLayer(layer, mount, parent);
  if (isRouter(handle)) templateRouterRoutes(handle, seen);
}

/**
 * Templates the routes already in a router's stack (and in the routers it mounts), for routes
 * registered before Pulse patched Express; also patches the router's prototype for later ones.
 * Runs when a router is mounted, on `pulse.mount(app)` and on the first request: never per request.
 */
export function templateRouterRoutes(router: RouterLike, seen: Set<object> = new Set()): void {
  if (seen.has(router) || !Array.isArray(router.stack)) return;
  seen.add(router);
  const proto = ownerOf(router, 'use');
  if (proto !== undefined) patchRouterPrototype(proto);
  for (const layer of router.stack) {
    if (layer.route !== undefined) {
      if (!wrappers.has(layer.handle)) wrapRouteLayer(layer, templateOf(layer.route.path));
    } else {
      templateMountLayer(layer, mountPathOf(layer), router, seen);
    }
  }
}

/** The router of an Express 4 or 5 app, without creating one on Express 4 (whose `app.router` throws). */
export function routerOfApp(app: unknown): RouterLike | undefined {
  const a = app as { _router?: RouterLike; router?: RouterLike; lazyrouter?: unknown } | undefined;
  if (a === undefined || a === null) return undefined;
  const router = typeof a.lazyrouter === 'function' ? a._router : a.router;
  return router !== undefined && Array.isArray(router.stack) ? router : undefined;
}

/** Templates every route an app (or a router) has so far. */
export function templateAppRoutes(app: unknown): void {
  const router = isRouter(app as Handle) ? (app as RouterLike) : routerOfApp(app);
  if (router !== undefined) templateRouterRoutes(router);
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
    const seen = new Set<object>([this]);
    for (let i = before; i < this.stack.length; i++) templateMountLayer(this.stack[i]!, mount, this, seen);
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

/** An `express` module: the function with `Router` and `application` on it. */
export function isExpressModule(mod: unknown): boolean {
  if (typeof mod !== 'function') return false;
  const exp = mod as unknown as { Router?: unknown; application?: unknown };
  return exp.Router !== undefined && exp.application !== undefined;
}

/**
 * Finds every loaded copy of express (and the app's own, resolved from the working directory)
 * and patches its routers, so routes registered from now on carry templates.
 */
export function patchLoadedExpress(explicit: unknown): number {
  const found = new Set<RouterLike>();
  const add = (mod: unknown): void => {
    const proto = routerPrototypeOf(mod);
    if (proto !== undefined) found.add(proto);
  };
  if (explicit !== undefined) add(explicit);
  const localRequire = createRequire(join(process.cwd(), 'noop.js'));
  for (const mod of Object.values(localRequire.cache)) if (isExpressModule(mod?.exports)) add(mod!.exports);
  try {
    add(localRequire('express'));
  } catch {
    // No express next to the app: it may use another copy (found above) or plain node:http.
  }
  let patched = 0;
  for (const proto of found) if (patchRouterPrototype(proto)) patched++;
  return patched;
}
