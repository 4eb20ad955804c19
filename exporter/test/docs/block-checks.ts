// How each kind of documentation block is checked (the code-blocks test picks one per block).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Linter } from 'eslint';
import globals from 'globals';
import { parseAllDocuments } from 'yaml';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { normaliseSql } from '../../src/db/normalise-sql';
import type { CodeBlock } from './markdown-blocks';

export const ROOT = path.resolve(__dirname, '../../..');
export const WRAPPERS = path.join(__dirname, 'wrappers');
const HARNESS = path.join(__dirname, 'harness');

export const JS_LANGS: Record<string, { ext: string; sourceType: 'module' | 'commonjs' }> = {
  js: { ext: '.mjs', sourceType: 'module' },
  javascript: { ext: '.mjs', sourceType: 'module' },
  mjs: { ext: '.mjs', sourceType: 'module' },
  cjs: { ext: '.cjs', sourceType: 'commonjs' },
  ts: { ext: '.mts', sourceType: 'module' },
  typescript: { ext: '.mts', sourceType: 'module' },
};
export const SH_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
export const YAML_LANGS = new Set(['yaml', 'yml']);

// ---------------------------------------------------------------------------------------------
// Wrappers: a fragment runs inside wrappers/NAME.* in place of the line holding the BLOCK marker.
// ---------------------------------------------------------------------------------------------

export interface Composed {
  code: string;
  /** Lines of the composed text before the block's first line (maps errors back to the Markdown). */
  offset: number;
  wrapper?: string;
}

export function compose(block: CodeBlock, exts: string[], marker: RegExp): Composed {
  const d = block.directive;
  if (d?.kind !== 'wrap') return { code: block.code, offset: 0 };
  const file = exts.map((e) => path.join(WRAPPERS, d.name + e)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no wrapper ${d.name}{${exts.join(',')}} in ${path.relative(ROOT, WRAPPERS)}`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => marker.test(l));
  if (at < 0) throw new Error(`${path.relative(ROOT, file)} has no BLOCK marker`);
  const indent = /^\s*/.exec(lines[at]!)![0];
  const body = block.code
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? indent + l : l));
  return {
    code: [...lines.slice(0, at), ...body, ...lines.slice(at + 1)].join('\n'),
    offset: at,
    wrapper: path.relative(ROOT, file),
  };
}

/** Maps a line of the composed text to the Markdown line it came from. */
function markdownLine(block: CodeBlock, composed: Composed, line: number): string {
  const inBlock = line - composed.offset;
  const blockLines = block.code.split('\n').length - 1;
  if (inBlock >= 1 && inBlock <= blockLines) return `${block.file}:${block.firstLine + inBlock - 1}`;
  return `${composed.wrapper ?? block.file} (composed line ${line})`;
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript: parse, every name defined (no-undef), then run with node.
// ---------------------------------------------------------------------------------------------

/** Parse errors and names used but never defined, each with its Markdown line. */
export function lintJs(block: CodeBlock, composed: Composed): string[] {
  const { sourceType, ext } = JS_LANGS[block.lang]!;
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config[] = [
    {
      files: ['**/*'],
      languageOptions: {
        ecmaVersion: 'latest',
        sourceType,
        globals: { ...globals.node, ...(sourceType === 'commonjs' ? globals.commonjs : {}) },
        // TypeScript blocks: typescript-eslint's parser; type-only names are not values.
        ...(ext === '.mts' ? { parser: require('typescript-eslint').parser } : {}),
      },
      // Labels: an options fragment such as `health: { auth: { … } }` is valid JS as labelled blocks.
      rules: { 'no-undef': 'error', 'no-labels': 'error' },
      // The wrappers' own eslint comments are for the repository's lint, not for this check.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    },
  ];
  return linter
    .verify(composed.code, config, { filename: `block${ext}` })
    .filter((m) => m.fatal || m.severity === 2)
    .map((m) => `${markdownLine(block, composed, m.line)}: ${m.message}`);
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Services the blocks may read from the environment: the test machine's real ones. */
export const SERVICE_ENV: Record<string, string> = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  MYSQL_URL: 'mysql://root@127.0.0.1:3306/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

/**
 * The environment a block runs with: the service URLs above, and any other `process.env.NAME`
 * the block reads and the test machine lacks set to a visible placeholder (`HEALTH_TOKEN` →
 * `docs-test-HEALTH_TOKEN`), as a user's deployment would set it.
 */
export function blockEnv(code: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...SERVICE_ENV };
  for (const m of code.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)) {
    const name = m[1]!;
    if (env[name] === undefined && name !== 'PORT') env[name] = `docs-test-${name}`;
  }
  delete env.NODE_OPTIONS; // jest's, not the user's
  return env;
}

export function runJs(file: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  const args = ['--require', path.join(HARNESS, 'listen-anywhere.cjs')];
  if (file.endsWith('.mts')) args.push('--import', 'tsx');
  args.push(path.join(HARNESS, 'run-block.mjs'), file);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: path.dirname(file), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, timedOut });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Shell: every command the block names exists (npm scripts in their package.json, files, tools).
// ---------------------------------------------------------------------------------------------

const NPM_BUILTINS = new Set([
  'ci',
  'install',
  'i',
  'pack',
  'exec',
  'init',
  'ls',
  'outdated',
  'update',
  'uninstall',
  'publish',
  'version',
  'view',
]);
const SHELL_BUILTINS = new Set(['cd', 'export', 'echo', 'set', 'unset', 'source', '.']);
// Named in the docs for the Docker stack, which no test can run here (no Docker engine); the
// compose file they use is checked to exist, and provisioning/test/compose.test.ts validates it.
const NOT_ON_TEST_MACHINES = new Set(['docker']);

function packageJson(dir: string): { name?: string; scripts?: Record<string, string>; workspaces?: string[] } {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
}

function workspaceDir(ref: string): string | undefined {
  const root = packageJson('.');
  return (root.workspaces ?? []).find((w) => w === ref || packageJson(w).name === ref);
}

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${JSON.stringify(tool)}`], { stdio: 'ignore' }).status === 0;
}

/** The block's commands: comments dropped, `\` continuations joined, split at ; && || |. */
export function shellCommands(code: string): string[][] {
  const text = code
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/^\s*\$\s+/, '').replace(/(^|\s)#.*$/, ''))
    .join('\n');
  return text
    .split(/\n|;|&&|\|\||\|/)
    .map((c) => c.trim().split(/\s+/).filter(Boolean))
    .map((words) => {
      while (words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!) || words[0] === 'sudo')) words.shift();
      return words;
    })
    .filter((w) => w.length > 0);
}

function checkNpm(args: string[], block: string): string | undefined {
  let workspace: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-w' || a === '--workspace') workspace = args[++i];
    else if (a.startsWith('--workspace=')) workspace = a.slice('--workspace='.length);
    else if (a === '--') break;
    else rest.push(a);
  }
  const [sub, ...operands] = rest;
  if (!sub) return 'npm without a command';
  let dir = '.';
  if (workspace !== undefined) {
    const w = workspaceDir(workspace);
    if (!w) return `npm -w ${workspace}: no such workspace`;
    dir = w;
  }
  const scripts = packageJson(dir).scripts ?? {};
  if (sub === 'test' || sub === 't' || sub === 'start') {
    return scripts[sub === 't' ? 'test' : sub] ? undefined : `npm ${sub}: ${dir}/package.json has no "${sub}" script`;
  }
  if (sub === 'run' || sub === 'run-script') {
    const script = operands.find((o) => !o.startsWith('-'));
    return script && scripts[script] ? undefined : `npm run ${script}: ${dir}/package.json has no such script`;
  }
  if (sub === 'install' || sub === 'i') {
    for (const spec of operands.filter((o) => !o.startsWith('-'))) {
      const problem = installable(spec, block);
      if (problem) return `npm install ${spec}: ${problem}`;
    }
    return undefined;
  }
  return NPM_BUILTINS.has(sub) ? undefined : `npm ${sub}: not an npm command the docs test knows`;
}

/** What `npm install SPEC` needs to work for a reader: a path that exists, a tarball the block packs, or a package this repository installs from the registry. */
function installable(spec: string, block: string): string | undefined {
  if (/^(\.{0,2}\/|~\/|file:)/.test(spec) || spec.endsWith('.tgz')) {
    if (spec.endsWith('.tgz') && /\bnpm\s+pack\b/.test(block)) return undefined;
    return fs.existsSync(path.resolve(ROOT, spec.replace(/^file:/, ''))) ? undefined : 'no such path in the repository';
  }
  const name = spec.replace(/(?<=.)@[^@/]*$/, '');
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { link?: boolean; resolved?: string }>;
  };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) return 'not a package this repository installs (package-lock.json)';
  if (entry.link)
    return 'a workspace of this repository, not a package on the registry: install it from a path or tarball';
  return undefined;
}

/** Problems with the commands a shell block names; empty when every one exists. */
export function checkShell(code: string): string[] {
  const problems: string[] = [];
  for (const [cmd, ...args] of shellCommands(code)) {
    const line = [cmd, ...args].join(' ');
    if (cmd === 'npm') {
      const p = checkNpm(args, code);
      if (p) problems.push(`${line}: ${p}`);
    } else if (cmd === 'npx') {
      const bin = args.find((a) => !a.startsWith('-'));
      if (!bin || !fs.existsSync(path.join(ROOT, 'node_modules/.bin', bin)))
        problems.push(`${line}: no ${bin} in node_modules/.bin`);
    } else if (cmd === 'node' || cmd === 'bash' || cmd === 'sh') {
      const file = args.find((a) => !a.startsWith('-'));
      if (file && !fs.existsSync(path.join(ROOT, file))) problems.push(`${line}: no file ${file}`);
    } else if (cmd === 'docker') {
      const f = args.indexOf('-f');
      const composeFile = f >= 0 ? args[f + 1]! : 'docker-compose.yml';
      if (args[0] === 'compose' && !fs.existsSync(path.join(ROOT, composeFile)))
        problems.push(`${line}: no ${composeFile}`);
    } else if (!SHELL_BUILTINS.has(cmd!) && !NOT_ON_TEST_MACHINES.has(cmd!) && !onPath(cmd!)) {
      problems.push(`${line}: ${cmd} is not installed here`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// YAML: parses; Prometheus, Alertmanager and blackbox configs also pass their own tool's check.
// ---------------------------------------------------------------------------------------------

export type YamlKind = 'prometheus-config' | 'prometheus-rules' | 'alertmanager-config' | 'blackbox-config' | 'data';

export function parseYaml(code: string): { value: unknown; problems: string[] } {
  const docs = parseAllDocuments(code);
  const problems = docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
  return { value: docs.length === 1 ? docs[0]!.toJS() : docs.map((d) => d.toJS()), problems };
}

/** Which tool checks a parsed YAML document, from its top-level keys. */
export function yamlKind(value: unknown): YamlKind {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'data';
  const keys = Object.keys(value);
  if (
    keys.includes('scrape_configs') ||
    keys.includes('rule_files') ||
    (keys.includes('global') && !keys.includes('route'))
  ) {
    return 'prometheus-config';
  }
  if (keys.includes('groups')) return 'prometheus-rules';
  if (keys.includes('route') && keys.includes('receivers')) return 'alertmanager-config';
  if (keys.includes('modules')) return 'blackbox-config';
  return 'data';
}

const TOOL_CHECKS: Record<Exclude<YamlKind, 'data'>, { bin: string; args: (file: string) => string[] }> = {
  'prometheus-config': { bin: 'promtool', args: (f) => ['check', 'config', '--syntax-only', f] },
  'prometheus-rules': { bin: 'promtool', args: (f) => ['check', 'rules', f] },
  'alertmanager-config': { bin: 'amtool', args: (f) => ['check-config', f] },
  'blackbox-config': { bin: 'prometheus-blackbox-exporter', args: (f) => [`--config.file=${f}`, '--config.check'] },
};

/** Runs the kind's own checker on `file`; undefined when it passes. Throws when the tool is missing. */
export function toolCheck(kind: YamlKind, file: string): string | undefined {
  if (kind === 'data') return undefined;
  const { bin, args } = TOOL_CHECKS[kind];
  if (!onPath(bin)) throw new Error(`${bin} is not installed: install Debian's prometheus packages (\`.ci/run\` does)`);
  const r = spawnSync(bin, args(file), { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `${bin} ${args(file).join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`;
}

// ---------------------------------------------------------------------------------------------
// Query languages: one expression per line; PromQL lines indented under one continue it.
// ---------------------------------------------------------------------------------------------

export function queryExpressions(code: string): { line: number; expr: string }[] {
  const out: { line: number; expr: string }[] = [];
  code.split('\n').forEach((l, i) => {
    if (l.trim() === '' || /^\s*#/.test(l)) return;
    const last = out[out.length - 1];
    if (/^\s/.test(l) && last) last.expr += `\n${l}`;
    else out.push({ line: i, expr: l });
  });
  return out;
}

/** Offsets of LogQL syntax errors (empty when it parses). */
export function logqlErrors(expr: string): number[] {
  const errors: number[] = [];
  logqlParser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Named checkers (`<!-- docs-test: check NAME -->`).
// ---------------------------------------------------------------------------------------------

export const CHECKERS: Record<string, { what: string; run: (code: string) => string[] }> = {
  // `SQL\n→ PATTERN` pairs: the pattern is what Pulse's normaliser makes of the SQL.
  'sql-pattern': {
    what: 'each `SQL` / `→ pattern` pair is what the SQL normaliser produces',
    run: (code) => {
      const lines = code.split('\n').filter((l) => l.trim() !== '');
      const problems: string[] = [];
      if (lines.length === 0 || lines.length % 2 !== 0) return ['expected pairs of lines: SQL, then → pattern'];
      for (let i = 0; i < lines.length; i += 2) {
        const [sql, arrow] = [lines[i]!, lines[i + 1]!];
        if (!arrow.startsWith('→ ')) problems.push(`line ${i + 2} does not start with "→ "`);
        const got = normaliseSql(sql, 'postgresql').text;
        const expected = arrow.slice(2).trim();
        if (got !== expected) problems.push(`${sql}\n  documented: ${expected}\n  normaliser: ${got}`);
      }
      return problems;
    },
  },
};
