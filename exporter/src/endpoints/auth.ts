import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type EndpointAuth = { bearerToken: string } | { username: string; password: string } | undefined;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Checks the Authorization header against the configured credentials in constant time: both
 * sides are hashed first, so neither the comparison nor an early length check leaks the secret.
 * The scheme is matched in any letter case (`bearer`, `BASIC`), as RFC 9110 says it is.
 */
export function compileAuthCheck(auth: EndpointAuth): ((req: IncomingMessage) => boolean) | undefined {
  if (auth === undefined) return undefined;
  const scheme = 'bearerToken' in auth ? 'bearer' : 'basic';
  const expected = digest(
    'bearerToken' in auth ? auth.bearerToken : Buffer.from(`${auth.username}:${auth.password}`).toString('base64'),
  );
  return (req) => {
    const given = req.headers.authorization;
    if (typeof given !== 'string') return false;
    const space = given.indexOf(' ');
    if (space === -1 || given.slice(0, space).toLowerCase() !== scheme) return false;
    return timingSafeEqual(digest(given.slice(space + 1).trim()), expected);
  };
}

/** Whether the request carries an Authorization header at all (right or wrong). */
export function hasCredentials(req: IncomingMessage): boolean {
  return typeof req.headers.authorization === 'string';
}

export function rejectUnauthorized(res: ServerResponse, auth: NonNullable<EndpointAuth>): void {
  res.statusCode = 401;
  res.setHeader('WWW-Authenticate', 'bearerToken' in auth ? 'Bearer realm="pulse"' : 'Basic realm="pulse"');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Unauthorized\n');
}
