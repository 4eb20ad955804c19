import type { RequestContext } from '../context/request-context';
import { runWithContext } from '../context/request-context';
import type { CallSiteHolder } from './caller';

// Pools call back into the driver from their own frames, some time after the application asked
// for a connection: the application's call site is no longer on the stack, the request context
// may be another request's (a waiter is called back by whoever released the connection), and the
// query looks as if it started only now. The pool hooks (pg-pool, mysql2) capture what was true
// at the application's call and hand it to the queries the checkout callback starts
// synchronously. Runs on every pool query inside a request: one closure, no other allocation.

/** performance.now() when the application asked the pool, while its checkout callback runs; else -1. */
let issuedAt = -1;
let callSite: CallSiteHolder | undefined;

/** When the query starting now was issued, if it starts inside a checkout callback. */
export function checkoutIssuedAt(): number {
  return issuedAt;
}

/** The application's call site captured at checkout, if it starts inside a checkout callback. */
export function checkoutCallSite(): CallSiteHolder | undefined {
  return callSite;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The checkout callback, run with the checkout's issue time and call site current and, when
 * `ctx` is given, in the request context of the code that asked (rather than that of whoever
 * released the connection).
 */
export function inCheckout(
  callback: AnyFn,
  at: number,
  site: CallSiteHolder | undefined,
  ctx: RequestContext | undefined,
): AnyFn {
  return function pulseCheckoutCallback(this: unknown) {
    const outerAt = issuedAt;
    const outerSite = callSite;
    issuedAt = at;
    callSite = site;
    try {
      // eslint-disable-next-line prefer-rest-params
      if (ctx === undefined) return callback.apply(this, arguments as unknown as unknown[]);
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      return runWithContext(ctx, () => callback.apply(this, args));
    } finally {
      issuedAt = outerAt;
      callSite = outerSite;
    }
  };
}
