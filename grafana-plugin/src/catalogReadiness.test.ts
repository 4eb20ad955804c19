/**
 * @jest-environment node
 */
// Ready for Grafana's plugin catalog: what the plugin validator (github.com/grafana/plugin-validator)
// checks that can be checked from the source — its own safe logo, links, one version everywhere, a
// README with requirements and install steps, screenshots that exist, the e2e matrix over the
// Grafana versions plugin.json allows, and none of the source patterns its code rules flag.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { CATALOG_SCREENSHOTS, SCREENSHOT_DIR } from '../tests/catalogScreenshots';
import packageJson from '../package.json';
import pluginJson from './plugin.json';

const PLUGIN_ROOT = path.join(__dirname, '..');
const read = (rel: string) => fs.readFileSync(path.join(PLUGIN_ROOT, rel), 'utf8');

describe('logo', () => {
  const logos = Object.values(pluginJson.info.logos);
  // SHA-256 of create-plugin's template logo (the file this app shipped until it had its own).
  const TEMPLATE_LOGO_SHA256 = '1defc6f7e585c67657bcfd8fddc599ee7dfa82f8674413f49fa274c2cd453ec6';

  it.each(logos)('%s exists and is not the create-plugin template logo', (logo) => {
    const bytes = fs.readFileSync(path.join(__dirname, logo));
    expect(createHash('sha256').update(bytes).digest('hex')).not.toBe(TEMPLATE_LOGO_SHA256);
  });

  // The validator's unsafesvg rule refuses scripts, event handlers, external references and foreign content.
  const SAFE_ELEMENTS = new Set([
    'svg',
    'title',
    'defs',
    'linearGradient',
    'stop',
    'rect',
    'path',
    'circle',
    'polyline',
    'g',
  ]);
  it.each(logos)('%s uses only plain drawing elements and attributes', (logo) => {
    const svg = fs.readFileSync(path.join(__dirname, logo), 'utf8');
    const elements = [...svg.matchAll(/<([A-Za-z][\w:-]*)/g)].map((m) => m[1]!);
    expect(elements.filter((e) => !SAFE_ELEMENTS.has(e))).toEqual([]);
    const attributes = [...svg.matchAll(/\s([A-Za-z][\w:-]*)=/g)].map((m) => m[1]!);
    expect(attributes.filter((a) => /^on|href$|^style$/i.test(a))).toEqual([]);
    expect(svg).not.toMatch(/url\((?!#)/);
  });
});

describe('plugin.json catalog metadata', () => {
  it('links to the repository, the documentation and the issue tracker, as package.json names them', () => {
    expect(pluginJson.info.links).toEqual([
      { name: 'Repository', url: packageJson.repository.url },
      { name: 'Documentation', url: packageJson.homepage },
      { name: 'Issues', url: packageJson.bugs.url },
    ]);
    for (const link of pluginJson.info.links) {
      expect(link.url).toMatch(/^https:\/\//);
    }
  });

  it('has keywords and a description for the catalog search', () => {
    expect(pluginJson.info.keywords.length).toBeGreaterThan(2);
    expect(pluginJson.info.description.length).toBeGreaterThan(20);
  });

  it('lists exactly the catalog screenshots that exist in src/img (the e2e spec takes them)', () => {
    const listed = pluginJson.info.screenshots as Array<{ name: string; path: string }>;
    const taken = CATALOG_SCREENSHOTS.filter((s) => fs.existsSync(path.join(PLUGIN_ROOT, SCREENSHOT_DIR, s.file)));
    // Until the e2e run's screenshots are committed this is empty: the build copies every listed file
    // and fails on a missing one, so nothing is listed that does not exist.
    expect(listed).toEqual(taken.map((s) => ({ name: s.name, path: `img/${s.file}` })));
    expect(SCREENSHOT_DIR).toBe('src/img');
  });
});

describe('one version', () => {
  it('plugin.json takes package.json\u2019s version at build time', () => {
    expect(pluginJson.info.version).toBe('%VERSION%');
    const webpack = read('.config/webpack/webpack.config.ts');
    expect(webpack).toContain('const pluginVersion = getPackageJson().version;');
    expect(webpack).toMatch(/search: \/\\%VERSION\\%\/g,\s*replace: pluginVersion/);
  });

  it('CHANGELOG.md\u2019s newest entry is package.json\u2019s version', () => {
    const newest = /^## (\S+)/m.exec(read('CHANGELOG.md'))?.[1];
    expect(newest).toBe(packageJson.version);
    expect(semver.valid(packageJson.version)).not.toBeNull();
  });
});

describe('README (src/README.md, what the catalog shows)', () => {
  const readme = read('src/README.md');

  it('states the requirements: the Grafana range plugin.json declares, Prometheus and Loki', () => {
    const requirements = readme.split(/^## /m).find((s) => s.startsWith('Requirements'));
    expect(requirements).toBeDefined();
    const min = semver.minVersion(pluginJson.dependencies.grafanaDependency)!.version;
    expect(requirements).toContain(`Grafana ${min} or later`);
    expect(requirements).toContain(pluginJson.dependencies.grafanaDependency);
    expect(requirements).toMatch(/\*\*Prometheus\*\*/);
    expect(requirements).toMatch(/\*\*Loki\*\*/);
  });

  it('has install steps', () => {
    const install = readme.split(/^## /m).find((s) => s.startsWith('Install'));
    expect(install).toMatch(/^1\. /m);
    expect(install).toContain(pluginJson.id);
  });

  it('has none of the developer jargon the validator flags', () => {
    expect(['yarn', 'nodejs'].filter((w) => readme.includes(w))).toEqual([]);
  });
});

describe('e2e workflow: the oldest and newest Grafana grafanaDependency allows', () => {
  const workflow = parse(fs.readFileSync(path.join(PLUGIN_ROOT, '../.github/workflows/e2e.yml'), 'utf8'));
  const job = workflow.jobs['grafana-app'];

  it('the matrix is [lower bound, newest allowed] of plugin.json\u2019s grafanaDependency', () => {
    const range = new semver.Range(pluginJson.dependencies.grafanaDependency);
    const oldest = semver.minVersion(range)!.version;
    // Open above (no `<` comparator): the newest allowed is the latest release.
    const openAbove = range.set.every((set) => !set.some((c) => c.operator.startsWith('<')));
    expect(openAbove).toBe(true);
    expect(job.strategy.matrix.grafana).toEqual([oldest, 'latest']);
  });

  it('each run builds that Grafana: GRAFANA_VERSION goes to compose, compose passes it to the Dockerfile', () => {
    expect(job.env.GRAFANA_VERSION).toBe('${{ matrix.grafana }}');
    const compose = parse(fs.readFileSync(path.join(PLUGIN_ROOT, '../docker-compose.yml'), 'utf8'));
    expect(compose.services.grafana.build.args).toContain('GRAFANA_VERSION');
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM grafana\/grafana:\$\{GRAFANA_VERSION\}$/m);
    // Without the argument, the image is the oldest supported Grafana.
    expect(/^ARG GRAFANA_VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(semver.minVersion(range())!.version);
  });

  it('the catalog screenshots spec runs in that workflow and its output is uploaded', () => {
    expect(fs.existsSync(path.join(PLUGIN_ROOT, 'tests/catalogScreenshots.spec.ts'))).toBe(true);
    const uploads = job.steps.filter((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact'));
    expect(uploads.map((s: { with: { path: string } }) => s.with.path)).toContain(
      `grafana-plugin/${SCREENSHOT_DIR}/screenshot-*.png`
    );
  });

  function range() {
    return new semver.Range(pluginJson.dependencies.grafanaDependency);
  }
});

/**
 * The plugin validator's code rules (semgrep) for frontend sources: src/**\/*.ts(x) except tests.
 * Each pattern is a line-level regex standing for one rule.
 */
const VALIDATOR_CODE_RULES: Array<{ rule: string; pattern: RegExp }> = [
  {
    rule: 'detect-console-logs',
    pattern:
      /\bconsole\.(log|info|table|debug|clear|count|countReset|dir|dirxml|group|groupEnd|time|timeEnd|timeLog|trace)\s*\(/,
  },
  { rule: 'direct-window-location (use locationService)', pattern: /\bwindow\.location\b/ },
  { rule: 'window-open', pattern: /\bwindow\.open\s*\(/ },
  { rule: 'native-browser-dialogs', pattern: /(^|[^.\w])(window\.)?(alert|confirm|prompt)\s*\(/ },
  { rule: 'ts-ignore', pattern: /@ts-(ignore|expect-error)/ },
  { rule: 'deprecated-gf-form', pattern: /className=["'{][^"'}]*\bgf-form/ },
  { rule: 'api-ds-query-endpoint', pattern: /['"`]\/api\/ds\/query/ },
  {
    rule: 'detect-invalid-window-properties',
    pattern: /window\.(grafanaBootData|grafanaRuntime|__grafanaSceneContext)/,
  },
  { rule: 'detect-topnav-toggle', pattern: /featureToggles\.topnav/ },
  { rule: 'detect-old-react-internals', pattern: /__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED/ },
  {
    rule: 'no-direct-css-imports',
    pattern:
      /import\s+['"].*\.(css|scss|less)['"]|<Global\b|import\s*\{\s*Global\s*\}\s*from\s*['"]@emotion\/react['"]/,
  },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return sourceFiles(p);
    }
    return /\.tsx?$/.test(e.name) && !/\.(test|spec)\.tsx?$/.test(e.name) ? [p] : [];
  });
}

function violations(files: Array<{ file: string; text: string }>): string[] {
  return files.flatMap(({ file, text }) =>
    text
      .split('\n')
      .flatMap((line, i) =>
        VALIDATOR_CODE_RULES.filter((r) => r.pattern.test(line)).map((r) => `${file}:${i + 1} ${r.rule}`)
      )
  );
}

describe('plugin validator code rules', () => {
  it('no source file (tests excluded) has a pattern the validator flags', () => {
    const files = sourceFiles(__dirname).map((f) => ({
      file: path.relative(PLUGIN_ROOT, f),
      text: fs.readFileSync(f, 'utf8'),
    }));
    expect(files.length).toBeGreaterThan(20);
    expect(violations(files)).toEqual([]);
  });

  it('the scan finds each rule\u2019s example (the validator\u2019s own bad test data)', () => {
    const bad = [
      'console.log("x");',
      'const search = window.location.search;',
      'window.open("https://example.com");',
      'alert("hello");',
      'window.confirm("are you sure?");',
      '// @ts-ignore',
      '<div className="gf-form">',
      "return fetch('/api/ds/query', { method: 'POST' });",
      'const x = window.grafanaBootData;',
      'if (config.featureToggles.topnav) {}',
      'React.__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED',
      "import './styles.css';",
    ];
    const found = violations(bad.map((text, i) => ({ file: `bad${i}.ts`, text })));
    expect(found.map((v) => v.split(' ')[0])).toEqual(bad.map((_b, i) => `bad${i}.ts:1`));
    // Look-alikes are not flagged: a method called alert, locationService, a word in a string.
    expect(
      violations([{ file: 'ok.ts', text: 'notifier.alert(x); locationService.push(url); const s = "prompt";' }])
    ).toEqual([]);
  });
});
