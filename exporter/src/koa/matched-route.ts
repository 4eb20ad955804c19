// @koa/router writes the matched layer's path to `ctx._matchedRoute` as it dispatches, before the
// route's handler runs. Logs, slow-query events and captured errors of that handler need the
// route then, not once the chain has settled, so Pulse puts an accessor for `_matchedRoute` on the
// app's `app.context` (the prototype Koa creates every `ctx` from, its documented extension
// point): each write is kept on the ctx as before and also reported. Reads return what was written.

const kMatchedRoute = Symbol('pulse.koa.matchedRoute');

type Holder = { [kMatchedRoute]?: unknown };

/**
 * Reports every `ctx._matchedRoute = path` on contexts created from `appContext`. False (nothing
 * changed) when `_matchedRoute` is already defined there: the route is then read after the chain.
 */
export function watchMatchedRoute(appContext: object, onWrite: (ctx: object) => void): boolean {
  if (Object.getOwnPropertyDescriptor(appContext, '_matchedRoute') !== undefined) return false;
  Object.defineProperty(appContext, '_matchedRoute', {
    configurable: true,
    enumerable: false,
    get(this: Holder) {
      return this[kMatchedRoute];
    },
    set(this: Holder, path: unknown) {
      this[kMatchedRoute] = path;
      onWrite(this);
    },
  });
  return true;
}
