import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningApp {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on a free loopback port. */
export function listen(app: (req: never, res: never) => void): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    const server: Server = (app as unknown as { listen: (p: number, h: string, cb: () => void) => Server }).listen(
      0,
      '127.0.0.1',
      () => {
        const { port } = server.address() as AddressInfo;
        resolve({
          baseUrl: `http://127.0.0.1:${port}`,
          port,
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections?.();
              server.close(() => done());
            }),
        });
      },
    );
    server.on('error', reject);
  });
}

/**
 * The value of one sample in an exposition text, by metric name and an exact label subset, or
 * undefined. `exposition` may be Prometheus text or OpenMetrics.
 */
export function sampleValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([^{\s]+)(?:\{(.*?)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const pairs = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((p) => [p[1], p[2]]));
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Sum of every sample of `name` whose labels include `labels`. */
export function sampleSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([^{\s]+)(?:\{(.*?)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const pairs = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((p) => [p[1], p[2]]));
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) total += Number(m[3]);
  }
  return total;
}

/** Label values of `label` across samples of `name`. */
export function labelValues(exposition: string, name: string, label: string): string[] {
  const out = new Set<string>();
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name + '{')) continue;
    const m = new RegExp(`[{,]${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
