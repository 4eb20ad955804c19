import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type EndpointAuth = { bearerToken: string } | { username: string; password: string } | undefined;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Checks the Authorization header against the configured credentials in constant time: both
 * sides are hashed first, so neither the comparison nor an early length check leaks the secret.
 */
export function compileAuthCheck(auth: EndpointAuth): ((req: IncomingMessage) => boolean) | undefined {
  if (auth === undefined) return undefined;
  const expected = digest(
    'bearerToken' in auth
      ? `Bearer ${auth.bearerToken}`
      : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
  );
  return (req) => {
    const given = req.headers.authorization;
    return typeof given === 'string' && timingSafeEqual(digest(given), expected);
  };
}

export function rejectUnauthorized(res: ServerResponse, auth: NonNullable<EndpointAuth>): void {
  res.statusCode = 401;
  res.setHeader('WWW-Authenticate', 'bearerToken' in auth ? 'Bearer realm="pulse"' : 'Basic realm="pulse"');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Unauthorized\n');
}
