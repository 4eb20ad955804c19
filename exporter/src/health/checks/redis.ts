import { withoutRecording } from '../../db/hub';
import type { RedisCheckOptions } from '../options';
import type { HealthCheck, HealthCheckResult } from '../types';

// Redis through ioredis (5.x/6.x, client or cluster) or node-redis (4.x+): PING. A disconnected
// ioredis client queues the PING until it reconnects; the check's timeout reports that.

interface RedisLike {
  ping(): Promise<unknown>;
  /** ioredis: 'ready', 'connecting', 'reconnecting', 'end'… */
  status?: unknown;
  /** node-redis */
  isReady?: unknown;
}

export function redisCheck(name: string, options: RedisCheckOptions): HealthCheck {
  const client = options.client as RedisLike;
  return {
    name,
    critical: options.critical ?? true,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    async check(): Promise<HealthCheckResult> {
      // Not the application's traffic: the db signal does not record it (while connected, both
      // clients announce the PING synchronously, inside withoutRecording).
      const reply = await withoutRecording(() => client.ping());
      const details: Record<string, unknown> = {};
      if (typeof client.status === 'string') details.status = client.status;
      if (typeof client.isReady === 'boolean') details.ready = client.isReady;
      if (reply !== 'PONG') return { status: 'unhealthy', message: `unexpected PING reply`, details };
      return { status: 'healthy', details };
    },
  };
}
