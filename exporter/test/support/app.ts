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

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample line of an exposition text (Prometheus text or OpenMetrics). */
export function parseSamples(exposition: string): Sample[] {
  const out: Sample[] = [];
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^{\s]+)(?:\{(.*?)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((p) => [p[1]!, p[2]!]),
    );
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Samples of `name` whose labels include `labels`. */
export function findSamples(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

const matching = (exposition: string, name: string, labels: Record<string, string>): Sample[] =>
  findSamples(parseSamples(exposition), name, labels);

/** The value of the first sample of `name` whose labels include `labels`, or undefined. */
export function sampleValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return matching(exposition, name, labels)[0]?.value;
}

/** Sum of every sample of `name` whose labels include `labels`. */
export function sampleSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  return matching(exposition, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** Distinct values of `label` across samples of `name`. */
export function labelValues(exposition: string, name: string, label: string): string[] {
  return [...new Set(matching(exposition, name, {}).flatMap((s) => (label in s.labels ? [s.labels[label]!] : [])))];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
