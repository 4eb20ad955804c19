import type { ClientRequest } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';

// Node < 22.12 publishes no node:http client channel before the request's headers are fixed
// (`http.client.request.start` comes after: setHeader throws ERR_HTTP_HEADERS_SENT), so there the
// trace header goes in by wrapping `request` and `get` of node:http and node:https, as
// OpenTelemetry's http instrumentation does. One wrapper per process, whatever the number of
// Pulse instances or copies (ESM and CommonJS builds): each adds its injector to a shared set.
//
// Calls through a function captured before the wrapper went in (`const { get } = require('http')`
// at load time, before createPulse) are not seen; ESM named imports are (syncBuiltinESMExports).

type Injector = (request: ClientRequest) => void;

interface PatchState {
  readonly injectors: Set<Injector>;
  unpatch: (() => void) | undefined;
}

const kState = Symbol.for('pulse.httpRequestPatch.v1');
const state: PatchState = ((globalThis as Record<symbol, unknown>)[kState] as PatchState | undefined) ?? {
  injectors: new Set(),
  unpatch: undefined,
};
(globalThis as Record<symbol, unknown>)[kState] = state;

/** True when Node publishes `http.client.request.created` (nodejs/node#55586: 23.2.0, 22.12.0). */
export function hasClientRequestCreatedChannel(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 2) || (major === 22 && minor >= 12);
}

/** Runs `inject` on every node:http(s) request created through request()/get(); returns the undo. */
export function addClientRequestInjector(inject: Injector): () => void {
  state.injectors.add(inject);
  state.unpatch ??= patchModules();
  return () => {
    state.injectors.delete(inject);
    if (state.injectors.size === 0 && state.unpatch !== undefined) {
      state.unpatch();
      state.unpatch = undefined;
    }
  };
}

function patchModules(): () => void {
  const undo = [patchModule(http), patchModule(https)];
  syncBuiltinESMExports();
  return () => {
    for (const u of undo) u();
    syncBuiltinESMExports();
  };
}

type RequestFn = (...args: unknown[]) => ClientRequest;

function patchModule(mod: { request: unknown; get: unknown }): () => void {
  const originalRequest = mod.request as RequestFn;
  const originalGet = mod.get;
  function request(this: unknown, ...args: unknown[]): ClientRequest {
    const req = Reflect.apply(originalRequest, this, args) as ClientRequest;
    // Injectors catch their own errors: the app's request is never at stake.
    for (const inject of state.injectors) inject(req);
    return req;
  }
  // Node's get() is request() + end(), calling the module's internal request() that a wrapper
  // does not see: the same two steps through the module's current request().
  function get(...args: unknown[]): ClientRequest {
    const req = Reflect.apply(mod.request as RequestFn, mod, args);
    req.end();
    return req;
  }
  mod.request = request;
  mod.get = get;
  return () => {
    // Someone who wrapped after Pulse keeps their wrapper (it calls Pulse's, now injecting nothing).
    if (mod.request === request) mod.request = originalRequest;
    if (mod.get === get) mod.get = originalGet;
  };
}
