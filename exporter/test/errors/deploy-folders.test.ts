/**
 * Fingerprints across deploys to another folder, with the default `errors.appRoot`. Service
 * managers start `node /srv/shop/releases/<n>/server.mjs` from a working directory of their own
 * (systemd's default is `/`), so the working directory says nothing about where the app is: a
 * throw site named relative to it carries the release folder, and every deploy would start every
 * error group anew. The app is its main script's package: two copies of one app in two folders,
 * each started from `/`, ship the same fingerprints and app-relative frames.
 */
import { join } from 'node:path';
import type { ChildApp } from '../package/child-app';
import { makeAppDir, removeAppDir, repoRoot, startApp, workspaceModules } from '../package/child-app';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';

const PACKAGES = {
  express: join(workspaceModules, 'express5'),
  'prom-client': join(workspaceModules, 'prom-client'),
  '@pulse-apm/exporter': join(repoRoot, 'exporter'),
};

let loki: LokiReceiver;
const dirs: string[] = [];
let app: ChildApp | undefined;
beforeAll(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});
afterAll(async () => {
  await loki.stop();
  dirs.forEach(removeAppDir);
});

/** Deploys the fixture into a folder of its own, starts it from `/`, fails two routes: fingerprint and top frame per route. */
async function deployAndFail(): Promise<Record<string, { fingerprint: string; frame: string }>> {
  const dir = makeAppDir(join(__dirname, 'deploy-fixture'), PACKAGES);
  dirs.push(dir);
  const before = loki.events().length;
  app = await startApp(dir, 'server.mjs', { cwd: '/', env: { LOKI_URL: loki.url } });
  for (const path of ['/orders/7/pay', '/orders/8/ship']) expect((await fetch(app.baseUrl + path)).status).toBe(500);
  await loki.waitFor(() => loki.events().length >= before + 2, 15_000);
  await app.stop();
  app = undefined;
  const out: Record<string, { fingerprint: string; frame: string }> = {};
  for (const e of loki.events().slice(before)) {
    out[String(e.json.http_route)] = {
      fingerprint: e.metadata.fingerprint!,
      frame: String(e.json.stack)
        .split('\n')[1]!
        .replace(/:\d+:\d+\)?$/, ''),
    };
  }
  return out;
}

test('two folders, started from /: the same fingerprints and app-relative frames', async () => {
  const first = await deployAndFail();
  const second = await deployAndFail();
  expect(first).toEqual({
    '/orders/:orderId/pay': { fingerprint: expect.any(String), frame: '    at routes/orders.mjs' },
    '/orders/:orderId/ship': { fingerprint: expect.any(String), frame: '    at shipOrder (routes/orders.mjs' },
  });
  expect(second).toEqual(first);
});
