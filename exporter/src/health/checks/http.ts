import http from 'node:http';
import https from 'node:https';
import { PULSE_INTERNAL_HEADER } from '../../deps/exclusions';
import type { HttpCheckOptions } from '../options';
import { redactUrlText } from '../../redaction';
import type { HealthCheck, HealthCheckContext, HealthCheckResult } from '../types';

// An HTTP dependency's URL: healthy on an expected status (default: below 400). The request
// carries Pulse's internal marker so the dependency metrics don't count the probe as app traffic,
// and uses no keep-alive agent so no socket outlives the check.

export function httpCheck(name: string, options: HttpCheckOptions): HealthCheck {
  const url = new URL(options.url);
  const mod = url.protocol === 'https:' ? https : http;
  const expected = options.expectedStatus !== undefined ? new Set(options.expectedStatus) : undefined;
  const shownUrl = redactUrlText(url.toString(), 2048);
  const headers = { ...options.headers, [PULSE_INTERNAL_HEADER]: 'health' };
  return {
    name,
    critical: options.critical ?? false,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    check({ signal }: HealthCheckContext): Promise<HealthCheckResult> {
      return new Promise((resolve, reject) => {
        const req = mod.request(url, { method: options.method ?? 'GET', headers, agent: false, signal }, (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          const ok = expected !== undefined ? expected.has(status) : status > 0 && status < 400;
          const details = { url: shownUrl, statusCode: status };
          resolve(ok ? { status: 'healthy', details } : { status: 'unhealthy', message: `HTTP ${status}`, details });
        });
        req.on('error', reject);
        req.end();
      });
    },
  };
}
