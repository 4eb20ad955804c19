// Where the traffic generator may send requests: loopback always; any other origin only when
// it is listed explicitly (TRAFFIC_TARGET in the compose stack: `http://demo:3000`). A load
// generator pointed at someone else's host by a typo is a small attack; refuse it by default.

export class TrafficTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrafficTargetError';
  }
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The origins listed in TRAFFIC_TARGET (comma-separated URLs), normalised. */
export function allowedTargetsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.TRAFFIC_TARGET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => originOf(s, 'TRAFFIC_TARGET'));
}

function originOf(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TrafficTargetError(`${what}: not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TrafficTargetError(`${what}: only http(s) targets are supported, got ${JSON.stringify(url)}`);
  }
  return u.origin;
}

/**
 * Returns the target's origin when it is loopback or listed in `allowed`; throws a
 * TrafficTargetError saying how to allow it otherwise.
 */
export function checkTrafficTarget(baseUrl: string, allowed: readonly string[]): string {
  const origin = originOf(baseUrl, 'traffic target');
  const host = new URL(origin).hostname;
  if (LOOPBACK_HOST.test(host)) return origin;
  const listed = allowed.map((a) => originOf(a, 'allowed target'));
  if (listed.includes(origin)) return origin;
  throw new TrafficTargetError(
    `traffic target ${origin} refused: the generator sends to loopback only, unless the exact origin is listed ` +
      `in TRAFFIC_TARGET (e.g. TRAFFIC_TARGET=${origin})${listed.length ? `; listed: ${listed.join(', ')}` : ''}`,
  );
}
