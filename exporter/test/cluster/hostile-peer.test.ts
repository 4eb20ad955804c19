/**
 * What a local client can do to a worker's peer socket (it reads one byte, never more) and to the
 * cluster /health (hostile query strings), and what Pulse does with a cluster folder it cannot
 * trust (open to other users, a symlink): it refuses to join, counts it and serves this worker.
 */
import express from 'express';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createPulse, PulseConfigError } from '../../src/index';
import type { Pulse } from '../../src/index';
import { listen } from '../support/app';
import type { RunningApp } from '../support/app';
import { sumOf } from './support';

function rawExchange(
  path: string,
  send: Buffer | undefined,
  waitMs = 3000,
): Promise<{ body: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let body = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ body, closed: false });
    }, waitMs);
    socket.on('connect', () => {
      if (send !== undefined) socket.write(send);
    });
    socket.on('data', (c: Buffer) => (body += c.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ body, closed: true });
    });
  });
}

describe('cluster peer socket and /health under hostile input', () => {
  const base = mkdtempSync(join(tmpdir(), 'ph-'));
  const dir = join(base, 'c');
  let pulse: Pulse;
  let app: RunningApp;
  let socket: string;

  beforeAll(async () => {
    pulse = createPulse({
      serviceName: 'hostile-peer',
      http: { express },
      metrics: { registry: new Registry(), defaultMetrics: false },
      runtime: { enabled: false },
      cluster: { enabled: true, directory: dir, timeout: 300 },
    });
    const server = express();
    server.use(pulse.middleware());
    server.get('/ok', (_req, res) => res.send('ok'));
    pulse.mount(server);
    app = await listen(server);
    for (let i = 0; i < 50 && readdirSync(dir).every((n) => !n.endsWith('.sock')); i++)
      await new Promise((r) => setTimeout(r, 20));
    socket = join(
      dir,
      readdirSync(dir).find((n) => n.endsWith('.sock'))!,
    );
  });

  afterAll(async () => {
    await app?.close();
    await pulse?.shutdown();
    rmSync(base, { recursive: true, force: true });
  });

  it('answers `m` with its state and ignores whatever follows', async () => {
    const { body } = await rawExchange(socket, Buffer.concat([Buffer.from('m'), Buffer.alloc(512 * 1024, 0xff)]));
    const state = JSON.parse(body) as { families: { name: string }[] };
    expect(state.families.map((f) => f.name)).toContain('pulse_internal_errors_total');
  });

  it.each([
    ['an unknown request byte', Buffer.from('GET /metrics HTTP/1.1\r\n\r\n')],
    ['a NUL byte', Buffer.from([0])],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28, 0xff])],
  ])('closes the connection on %s without answering', async (_name, bytes) => {
    expect(await rawExchange(socket, bytes)).toEqual({ body: '', closed: true });
  });

  it('keeps answering scrapes and requests while clients hold idle connections open', async () => {
    const idle = Array.from({ length: 8 }, () => createConnection(socket).on('error', () => undefined));
    const res = await fetch(`${app.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect((await fetch(`${app.baseUrl}/ok`)).status).toBe(200);
    for (const s of idle) s.destroy();
  });

  it.each([
    ['a 12 KB verbose value', `verbose=${'%'.repeat(12 * 1024)}`],
    ['thousands of parameters', Array.from({ length: 1000 }, (_, i) => `verbose=${i}`).join('&')],
    ['broken percent-encoding', 'verbose=%E0%A4%A&%zz=%'],
  ])('/health with %s answers the summary only (no credentials, no details)', async (_name, query) => {
    const res = await fetch(`${app.baseUrl}/health?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; workers: object[]; ready?: boolean };
    expect(body.status).toBe('healthy');
    expect(body.workers).toHaveLength(1);
    expect(body).not.toHaveProperty('ready');
  });
});

describe('a cluster folder Pulse cannot trust', () => {
  const base = mkdtempSync(join(tmpdir(), 'pu-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each([
    ['open to other users (0777)', (dir: string) => (mkdirSync(dir), chmodSync(dir, 0o777))],
    [
      'a symlink to a folder',
      (dir: string) => (mkdirSync(dir + '-real', { mode: 0o700 }), symlinkSync(dir + '-real', dir)),
    ],
  ])('is refused when %s: counted, warned, and this worker alone is served', async (_name, prepare) => {
    const dir = join(base, `d${Math.random().toString(16).slice(2, 8)}`);
    prepare(dir);
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const pulse = createPulse({
      serviceName: 'untrusted-dir',
      metrics: { registry: new Registry(), defaultMetrics: false },
      runtime: { enabled: false },
      cluster: { enabled: true, directory: dir },
    });
    try {
      const text = await pulse.renderMetrics();
      expect(sumOf(text, 'pulse_internal_errors_total', ['signal="cluster"'])).toBe(1);
      expect(text).not.toContain('pulse_cluster_peer_requests_total');
      expect(emitWarning).toHaveBeenCalledWith(
        expect.stringContaining('cluster aggregation is off'),
        expect.anything(),
      );
    } finally {
      emitWarning.mockRestore();
      await pulse.shutdown();
    }
  });
});

describe('cluster options', () => {
  it.each([
    [{ timeout: 5 }, 'cluster.timeout'],
    [{ timeout: '2s' }, 'cluster.timeout'],
    [{ directory: 'relative/dir' }, 'cluster.directory'],
    [{ directory: '/' + 'x'.repeat(100) }, 'cluster.directory'],
    [{ enabled: 'yes' }, 'cluster.enabled'],
  ])('%j is refused, naming %s', (cluster, path) => {
    let error: unknown;
    try {
      createPulse({ serviceName: 'bad-cluster-options', cluster: cluster as never });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PulseConfigError);
    expect((error as PulseConfigError).path).toBe(path);
  });
});
