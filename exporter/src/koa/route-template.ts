// The route template of a Koa request, as @koa/router (15.x) leaves it on the context. The router
// joins mount paths and prefixes into each layer's path when routers are nested
// (`router.use('/items', items.routes())`, `new Router({ prefix })`), and writes the path of every
// layer it runs to `ctx._matchedRoute` (and `ctx.routerPath`). Read after the downstream
// middleware settled, that is the last layer that ran: the route, unless a router-level
// middleware (`router.use(auth)`, no methods) answered or threw before it. Then the route the
// router matched for this path and method is taken from `ctx.matched`, as the router chose it.
// Only layer paths are ever returned: strings or RegExps from the app's own definitions.

/** The parts of a @koa/router layer read here. */
interface RouterLayer {
  path?: unknown;
  methods?: unknown;
}

/** The parts of a Koa context @koa/router writes to. */
export interface RoutedContext {
  method: string;
  _matchedRoute?: unknown;
  matched?: unknown;
}

/** The template of the route that handled `ctx`, or undefined when no router matched one. */
export function koaRouteTemplate(ctx: RoutedContext): string | undefined {
  const path = ctx._matchedRoute;
  if (path === undefined || path === null) return undefined;
  const matched = ctx.matched;
  if (Array.isArray(matched)) {
    const ran = layerWithPath(matched as RouterLayer[], path);
    if (ran !== undefined && !hasMethods(ran)) {
      const route = routeLayerFor(matched as RouterLayer[], ctx.method);
      if (route !== undefined) return templateOf(route.path);
    }
  }
  return templateOf(path);
}

function hasMethods(layer: RouterLayer): boolean {
  return Array.isArray(layer.methods) && layer.methods.length > 0;
}

function layerWithPath(layers: RouterLayer[], path: unknown): RouterLayer | undefined {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i]!.path === path) return layers[i];
  return undefined;
}

/** The router's own choice: the last matched layer with methods that allows this method. */
function routeLayerFor(layers: RouterLayer[], method: string): RouterLayer | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (hasMethods(layer) && (layer.methods as unknown[]).includes(method)) return layer;
  }
  return undefined;
}

function templateOf(path: unknown): string | undefined {
  if (typeof path === 'string') return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (path instanceof RegExp) return String(path);
  return undefined; // not a router's layer path: never label with it
}
