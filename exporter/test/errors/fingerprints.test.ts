/**
 * Error fingerprints over real stacks: Express 4 and 5 apps (fingerprint-fixtures/release-N) whose
 * routers live in their own CommonJS and ESM modules, with sync, constructor and `async` handlers.
 * users.* and orders.* throw the same error types with the same messages from different files;
 * release-2 is release-1 with lines inserted above every throw site, in another directory (a
 * deploy). Checked: each throw site is found as an application frame (`at async file:L:C` too);
 * different files never share a fingerprint; the same site keeps it across releases, Express
 * versions and restarts; Pulse's error handler (the built package, in the apps' own processes)
 * ships the same; a hostile megabyte of stack is read without blocking the event loop.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint } from '../../src/errors/fingerprint';
import type { StackInfo } from '../../src/errors/stack';
import { trimStack } from '../../src/errors/stack';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { leastLoopBlockMs } from '../support/loop-block';

const exporterDir = join(__dirname, '..', '..');
const fixtures = join(__dirname, 'fingerprint-fixtures');
const releases = ['release-1', 'release-2'] as const;
const apps = ['app.cjs', 'app.mjs'] as const;
const expressModules = ['express', 'express5'] as const;

interface Thrown {
  name: string;
  message: string;
  stack: string;
}
interface Captured extends Thrown {
  release: (typeof releases)[number];
  app: (typeof apps)[number];
  express: (typeof expressModules)[number];
  /** `/users/async` */
  path: string;
  info: StackInfo;
  fingerprint: string;
}

/** Runs a fixture app; it prints each route's error. With `LOKI_URL`, Pulse ships them there too. */
function runApp(
  release: string,
  app: string,
  expressModule: string,
  env: Record<string, string> = {},
): Promise<Record<string, Thrown>> {
  const options = { timeout: 20_000, env: { ...process.env, LOKI_URL: '', ...env } };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(fixtures, release, app), expressModule], options, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (err || line === undefined) reject(new Error(`fixture failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      else resolve(JSON.parse(line.slice(7)) as Record<string, Thrown>);
    });
  });
}

function analyse(release: string, thrown: Thrown): { info: StackInfo; fingerprint: string } {
  const info = trimStack(
    `${thrown.name}: ${thrown.message}`,
    thrown.stack,
    join(fixtures, release),
    20,
    thrown.message,
  );
  return { info, fingerprint: fingerprint(thrown.name, thrown.message, info.throwSite) };
}

const captured: Captured[] = [];

beforeAll(async () => {
  for (const release of releases)
    for (const app of apps)
      for (const express of expressModules) {
        const stacks = await runApp(release, app, express);
        for (const [path, thrown] of Object.entries(stacks))
          captured.push({ release, app, express, path, ...thrown, ...analyse(release, thrown) });
      }
}, 120_000);

const find = (c: Partial<Captured>): Captured => {
  const hit = captured.find((x) => Object.entries(c).every(([k, v]) => x[k as keyof Captured] === v));
  if (hit === undefined) throw new Error(`no captured stack for ${JSON.stringify(c)}`);
  return hit;
};

// The throw site each route's handler makes, as the parsed top application frame.
const sites = [
  ['sync', { fn: 'loadRecord', async: false, construct: false }],
  ['construct', { fn: 'Record', async: false, construct: true }],
  ['async', { fn: '', async: true, construct: false }],
  ['after-await', { fn: '', async: false, construct: false }],
  ['rejects', { fn: '', async: false, construct: false }],
  ['twin-a', { fn: '', async: false, construct: false }],
  ['twin-b', { fn: '', async: false, construct: false }],
  ['stock-early', { fn: 'reserveStock', async: false, construct: false }],
  ['stock-late', { fn: 'reserveStock', async: false, construct: false }],
] as const;

const table = releases.flatMap((release) =>
  apps.flatMap((app) =>
    expressModules.flatMap((express) =>
      ['users', 'orders'].flatMap((router) =>
        sites
          .filter(([route]) => route !== 'rejects' || express === 'express5')
          .map(([route, site]) => [release, app, express, `/${router}/${route}`, site] as const),
      ),
    ),
  ),
);

describe('the throw site of real Express stacks', () => {
  it.each(table)('%s %s on %s, %s: top application frame %j', (release, app, express, path, site) => {
    const c = find({ release, app, express, path });
    const ext = app.slice(-3);
    const file = `routes/${path.split('/')[1]}.${ext}`;
    expect(c.info.throwSite).toMatchObject({ ...site, app: true, file, portableFile: file });
    expect(c.info.throwSite).toBe(c.info.topAppFrame);
    expect(c.info.throwSite!.line).toEqual(expect.any(Number));
    // Application frames come first in the shipped stack, relative to the app root, V8-shaped.
    const firstFrame = c.info.text.split('\n')[1]!;
    const where = `${file}:${c.info.throwSite!.line}:${c.info.throwSite!.column}`;
    const prefix = site.async ? '    at async ' : '    at ';
    expect(firstFrame).toBe(
      site.fn === '' ? `${prefix}${where}` : `${prefix}${site.construct ? 'new ' : ''}${site.fn} (${where})`,
    );
    expect(c.info.text).not.toContain('file://');
  });
});

describe('fingerprints of real Express stacks', () => {
  it('differ between two files throwing the same error type with the same message', () => {
    for (const c of captured.filter((x) => x.path.startsWith('/users/'))) {
      const other = find({
        release: c.release,
        app: c.app,
        express: c.express,
        path: c.path.replace('users', 'orders'),
      });
      expect([c.path, c.name, c.message]).toEqual([c.path, other.name, other.message]);
      expect({ path: c.path, app: c.app, fingerprint: c.fingerprint }).not.toEqual({
        path: c.path,
        app: c.app,
        fingerprint: other.fingerprint,
      });
    }
  });

  it('are distinct for every distinct throw site', () => {
    const ofRelease = captured.filter((c) => c.release === 'release-1' && c.express === 'express5');
    const sitesSeen = new Set(ofRelease.map((c) => `${c.app} ${c.path}`));
    expect(sitesSeen.size).toBe(36);
    expect(new Set(ofRelease.map((c) => c.fingerprint)).size).toBe(sitesSeen.size);
  });

  // Same class, same message, same function (or none) in the same file: only the throw line
  // tells these apart, by its text (stock-*) or, the lines being identical, by its place among
  // them (twin-*).
  it.each([
    ['two anonymous handlers in one router file throwing from identical lines', 'twin-a', 'twin-b'],
    ['one named function throwing the same error at two places', 'stock-early', 'stock-late'],
  ])('differ for %s, in ESM and CJS, on Express 4 and 5, in every release', (_name, a, b) => {
    const seen = new Map<string, Set<string>>();
    for (const c of captured.filter((x) => x.path.endsWith(`/${a}`))) {
      const other = find({ release: c.release, app: c.app, express: c.express, path: c.path.replace(a, b) });
      // The premise: what the fingerprint hashed before the source line was added is the same.
      expect([other.name, other.message, other.info.throwSite!.fn, other.info.throwSite!.portableFile]).toEqual([
        c.name,
        c.message,
        c.info.throwSite!.fn,
        c.info.throwSite!.portableFile,
      ]);
      expect(other.info.throwSite!.line).not.toBe(c.info.throwSite!.line);
      const where = `${c.release} ${c.app} ${c.express} ${c.path}`;
      expect(`${where} ${other.fingerprint}`).not.toBe(`${where} ${c.fingerprint}`);
      // Each site keeps one fingerprint across releases and Express versions.
      for (const [site, fp] of [
        [`${c.app} ${c.path}`, c.fingerprint],
        [`${c.app} ${other.path}`, other.fingerprint],
      ] as const)
        seen.set(site, (seen.get(site) ?? new Set()).add(fp));
    }
    expect(seen.size).toBe(8);
    for (const [site, fps] of seen) expect(`${site} ${fps.size}`).toBe(`${site} 1`);
  });

  it('stay the same after lines are inserted above the throw site and the app is deployed to another folder', () => {
    for (const c of captured.filter((x) => x.release === 'release-1')) {
      const moved = find({ release: 'release-2', app: c.app, express: c.express, path: c.path });
      // The premise: the line moved and the absolute paths differ.
      expect(moved.info.throwSite!.line).toBeGreaterThan(c.info.throwSite!.line!);
      expect(moved.stack).toContain('release-2');
      expect(`${c.app} ${c.path} ${moved.fingerprint}`).toBe(`${c.app} ${c.path} ${c.fingerprint}`);
    }
  });

  it('stay the same for the same site under Express 4 and 5, and across restarts', async () => {
    for (const c of captured.filter((x) => x.express === 'express' && x.release === 'release-1')) {
      const on5 = find({ release: c.release, app: c.app, express: 'express5', path: c.path });
      expect(`${c.app} ${c.path} ${on5.fingerprint}`).toBe(`${c.app} ${c.path} ${c.fingerprint}`);
    }
    const again = await runApp('release-1', 'app.mjs', 'express5');
    for (const [path, thrown] of Object.entries(again))
      expect(analyse('release-1', thrown).fingerprint).toBe(
        find({ release: 'release-1', app: 'app.mjs', express: 'express5', path }).fingerprint,
      );
  });

  it('fixture premise: release-2 differs from release-1 only by comment lines', () => {
    const code = (release: string, file: string) =>
      readFileSync(join(fixtures, release, file), 'utf8')
        .split('\n')
        .filter((l) => !l.trim().startsWith('//'))
        .join('\n');
    for (const file of [
      'app.cjs',
      'app.mjs',
      'routes/users.cjs',
      'routes/users.mjs',
      'routes/orders.cjs',
      'routes/orders.mjs',
    ])
      expect(code('release-2', file)).toBe(code('release-1', file));
  });
});

describe('fingerprints shipped by the real error handler', () => {
  // In the apps' own processes, through the built package: Jest's source-map-support rewrites
  // stacks and drops `async ` from frames, so only a plain Node process prints what users get.
  let loki: LokiReceiver;
  beforeAll(() => {
    if (!existsSync(join(exporterDir, 'dist', 'index.cjs')) || !existsSync(join(exporterDir, 'dist', 'index.js')))
      throw new Error('exporter/dist is missing: build it first (npm run build -w exporter; `npm test` does)');
  });
  beforeEach(async () => {
    loki = await startLokiReceiver();
  });
  afterEach(() => loki.stop());

  async function shipped(
    release: string,
    app: string,
    express: string,
  ): Promise<Record<string, { fp: string; stack: string }>> {
    await runApp(release, app, express, { LOKI_URL: loki.url });
    const out: Record<string, { fp: string; stack: string }> = {};
    for (const e of loki.events().filter((x) => x.labels.event_kind === 'error'))
      out[(e.json.request as { url_path: string }).url_path] = {
        fp: e.metadata.fingerprint!,
        stack: String(e.json.stack),
      };
    return out;
  }

  it.each(apps.flatMap((app) => expressModules.map((express) => [app, express] as const)))(
    '%s on %s: one group per throw site, the same after a release that moved the lines',
    async (app, express) => {
      const first = await shipped('release-1', app, express);
      await loki.stop();
      loki = await startLokiReceiver();
      const second = await shipped('release-2', app, express);
      const paths = Object.keys(first).sort();
      expect(paths).toHaveLength(express === 'express5' ? 18 : 16);
      expect(Object.keys(second).sort()).toEqual(paths);
      const fps = (events: typeof first) => Object.fromEntries(paths.map((p) => [p, events[p]!.fp]));
      expect(fps(second)).toEqual(fps(first));
      expect(new Set(Object.values(fps(first))).size).toBe(paths.length);
      // The frame V8 printed as `at async /abs/…/routes/users.cjs:L:C` is an application frame.
      const ext = app.slice(-3);
      expect(first['/users/async']!.stack.split('\n')[1]).toMatch(
        new RegExp(`^ {4}at async routes/users\\.${ext}:\\d+:\\d+$`),
      );
      expect(first['/users/async']!.fp).not.toBe(first['/orders/async']!.fp);
      expect(first['/users/twin-a']!.fp).not.toBe(first['/users/twin-b']!.fp);
      expect(first['/orders/stock-early']!.fp).not.toBe(first['/orders/stock-late']!.fp);
    },
  );
});

describe('hostile stacks', () => {
  const MB = 1 << 20;
  const header = 'Error: boom';
  const tail = '\n    at handler (/srv/app/src/routes/users.js:5:3)';
  const hostile: [string, string, string | undefined][] = [
    ['one line of nested parentheses', `${header}\n    at ${'a ('.repeat(MB / 3)}`, undefined],
    ['one line of `:1:` positions', `${header}\n    at f (${'1:'.repeat(MB / 2)})`, undefined],
    [
      'nested eval origins',
      `${header}\n    at eval (${'eval at f ('.repeat(MB / 11)}/a.js:1:1${')'.repeat(MB / 11)}`,
      undefined,
    ],
    [
      'frames past any limit',
      header + `\n    at f${'x'.repeat(40)} (/srv/app/node_modules/x/index.js:1:1)`.repeat(MB / 70) + tail,
      undefined,
    ],
    [
      'lines past the line limit',
      header + `\n    at f (/srv/app/${'d/'.repeat(2000)}a.js:1:1)`.repeat(MB / 4030) + tail,
      undefined,
    ],
    [
      'a megabyte message forging frames',
      `Error: ${'x\n    at evil (/srv/app/src/forged.js:1:1)'.repeat(MB / 40)}${tail}`,
      'forged',
    ],
  ];

  it.each(hostile)(
    '%s: a megabyte of stack is read without blocking the event loop for 20 ms',
    async (_name, stack, kind) => {
      expect(stack.length).toBeGreaterThan(MB * 0.9);
      const message = kind === 'forged' ? stack.slice('Error: '.length, stack.length - tail.length) : 'boom';
      let result: { info: StackInfo; fp: string } | undefined;
      const blocked = await leastLoopBlockMs(() => {
        const info = trimStack(header, stack, '/srv/app', 20, message);
        result = { info, fp: fingerprint('Error', message, info.throwSite) };
      }, 20);
      expect(blocked).toBeLessThan(20);
      expect(result!.info.text.length).toBeLessThan(64 * 1024);
      expect(result!.fp).toMatch(/^[0-9a-f]{16}$/);
      if (kind === 'forged') {
        expect(result!.info.throwSite).toMatchObject({ fn: 'handler', file: 'src/routes/users.js' });
        expect(result!.info.text).not.toContain('forged');
      }
    },
  );
});
