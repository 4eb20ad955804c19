import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLokiReceiver } from '../support/loki-receiver';
import type { LokiReceiver } from '../support/loki-receiver';
import type { ChildApp } from './child-app';
import {
  makeAppDir,
  removeAppDir,
  repoRoot,
  requestCounts,
  scrape,
  send,
  startApp,
  workspaceModules,
} from './child-app';

// The package as a user gets it: `npm pack` of the exporter, unpacked into fresh ESM and CommonJS
// apps of their own (outside the repository) the way `npm install <tarball>` lays it out, with only
// the dependencies its package.json declares (plus express and prom-client, the app's own) beside
// it, linked from the workspace: no network, and nothing else of the repository in reach.

const exporterDir = join(repoRoot, 'exporter');
const SHIPPED_DIST = [
  'index.js',
  'index.js.map',
  'index.cjs',
  'index.cjs.map',
  'index.d.ts',
  'index.d.cts',
  'register.js',
  'register.js.map',
  'register.cjs',
  'register.cjs.map',
  'logs/loki-worker.js',
  'logs/loki-worker.js.map',
  ...['catalog/index', 'queries/logql', 'queries/promql'].flatMap((m) =>
    ['.js', '.js.map', '.cjs', '.cjs.map', '.d.ts', '.d.cts'].map((ext) => m + ext),
  ),
].map((f) => `dist/${f}`);

interface PackResult {
  filename: string;
  files: { path: string; size: number }[];
}

let packDir: string;
let pack: PackResult;
let unpacked: string;

beforeAll(() => {
  packDir = mkdtempSync(join(tmpdir(), 'pulse-pack-'));
  // dist/ is built by `npm test` (and the release workflow) first; prepack would rebuild it here.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
    cwd: exporterDir,
    encoding: 'utf8',
  });
  pack = (JSON.parse(out) as PackResult[])[0]!;
  unpacked = join(packDir, 'package');
  execFileSync('tar', ['-xzf', join(packDir, pack.filename), '-C', packDir]);
});

afterAll(() => removeAppDir(packDir));

describe('the packed tarball', () => {
  it('ships the README, the LICENSE, package.json and the files the entry points load, nothing else', () => {
    expect(pack.files.map((f) => f.path).sort()).toEqual(
      ['LICENSE', 'README.md', 'package.json', ...SHIPPED_DIST].sort(),
    );
  });

  it('describes itself on the registry: repository, homepage, keywords, license', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.repository).toEqual(
      expect.objectContaining({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) }),
    );
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect((pkg.keywords as string[]).length).toBeGreaterThan(3);
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8')).toContain('Apache License');
    expect(readFileSync(join(unpacked, 'README.md'), 'utf8')).toContain('npm pack');
  });

  it('has a file behind every export it declares', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
    const targets: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value.replace(/^\.\//, ''));
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
    };
    [pkg.main, pkg.module, pkg.types, pkg.exports].forEach(collect);
    expect(targets.length).toBeGreaterThan(10);
    const shipped = new Set(pack.files.map((f) => f.path));
    expect(targets.filter((t) => !shipped.has(t))).toEqual([]);
  });

  it('ships source maps without the sources inlined', () => {
    const maps = pack.files.filter((f) => f.path.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const json = JSON.parse(readFileSync(join(unpacked, map.path), 'utf8')) as { sourcesContent?: unknown };
      expect({ map: map.path, sourcesContent: json.sourcesContent }).toEqual({
        map: map.path,
        sourcesContent: undefined,
      });
    }
  });
});

describe.each([
  ['ESM', 'esm', '--import'],
  ['CommonJS', 'cjs', '--require'],
] as const)('installed into a new %s app', (_name, flavour, preloadFlag) => {
  let dir: string;
  let app: ChildApp | undefined;
  let loki: LokiReceiver;

  beforeAll(async () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { dependencies: object };
    const deps = Object.fromEntries(
      [...Object.keys(pkg.dependencies), 'express', 'prom-client'].map((d) => [d, join(workspaceModules, d)]),
    );
    dir = makeAppDir(join(__dirname, 'apps', flavour), deps);
    // What `npm install <tarball>` does: the package's files in node_modules, not a link to the repo.
    const target = join(dir, 'node_modules', '@pulse-apm', 'exporter');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(packDir, pack.filename), '-C', target, '--strip-components=1']);
    loki = await startLokiReceiver();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(async () => {
    await loki.stop();
    removeAppDir(dir);
  });

  const REQUESTS: [string, string][] = [
    ['GET', '/shops/7/orders/1'],
    ['GET', '/shops/8/orders/2'],
    ['GET', '/shops/7/orders/3/fail'],
  ];
  const SERIES = {
    'GET /shops/:shopId/orders/:orderId 200': 2,
    'GET /shops/:shopId/orders/:orderId/fail 500': 1,
  };

  it('runs: /metrics has the routes by template and errors reach Loki through the shipped worker', async () => {
    expect(readdirSync(join(dir, 'node_modules', '@pulse-apm', 'exporter', 'dist', 'logs'))).toEqual([
      'loki-worker.js',
      'loki-worker.js.map',
    ]);
    app = await startApp(dir, 'app.js', { env: { LOKI_URL: loki.url } });
    await send(app.baseUrl, REQUESTS);
    expect(requestCounts(await scrape(app.metricsUrl))).toEqual(SERIES);
    await loki.waitFor((entries) => entries.some((e) => e.line.includes('payment provider timed out')), 15_000);
    expect(app.stderr()).toBe('');
  });

  it(`runs with ${preloadFlag} @pulse-apm/exporter/register`, async () => {
    app = await startApp(dir, 'app.js', { nodeArgs: [preloadFlag, '@pulse-apm/exporter/register'] });
    await send(app.baseUrl, REQUESTS);
    expect(requestCounts(await scrape(app.metricsUrl))).toEqual(SERIES);
    expect(app.stderr()).toBe('');
  });
});
