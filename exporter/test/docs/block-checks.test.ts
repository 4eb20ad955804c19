// The documentation checks themselves: each one fails on the kind of mistake it is there to
// catch, so a green code-blocks test means the blocks work, not that the checks are blind.
import fs from 'node:fs';
import path from 'node:path';
import {
  CHECKERS,
  ROOT,
  blockEnv,
  checkShell,
  compose,
  lintJs,
  queryExpressions,
  logqlErrors,
  runJs,
  toolCheck,
  yamlKind,
  parseYaml,
} from './block-checks';
import { extractCodeBlocks, type CodeBlock } from './markdown-blocks';

const SCRATCH = path.join(ROOT, '.tmp', 'docs-block-checks');

function jsBlock(code: string, directive = ''): CodeBlock {
  const [b] = extractCodeBlocks('guide.md', `${directive}\n\n\`\`\`js\n${code}\n\`\`\`\n`);
  return b!;
}

function lint(code: string, directive = ''): string[] {
  const b = jsBlock(code, directive);
  return lintJs(b, compose(b, ['.mjs'], /\/\*\s*BLOCK\s*\*\//));
}

async function run(code: string): Promise<{ ran: boolean; stderr: string }> {
  fs.mkdirSync(SCRATCH, { recursive: true });
  const file = path.join(SCRATCH, `block-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, code);
  const r = await runJs(file, blockEnv(code), 15_000);
  fs.rmSync(file, { force: true });
  return { ran: r.exitCode === 0 && r.stdout.includes('docs-test: block ran'), stderr: r.stderr };
}

describe('extracting blocks from Markdown', () => {
  const md = [
    '# Guide',
    '',
    '<!-- docs-test: wrap options -->',
    '',
    '```js',
    'db: { pg: true },',
    '```',
    '',
    '- a list item:',
    '',
    '  <!-- docs-test: skip shows a shell session, not a command to run -->',
    '  ```sh',
    '  $ npm test',
    '    indented more',
    '  ```',
    '',
    '~~~yaml',
    'a: 1',
    '~~~',
    '<!-- docs-test: skip -->',
    '````',
    '```',
    '````',
  ].join('\n');
  const blocks = extractCodeBlocks('guide.md', md);

  it('finds fenced blocks with their language, line, directive and text (list indentation removed)', () => {
    expect(blocks.map((b) => [b.line, b.lang, b.directive?.kind, b.code])).toEqual([
      [5, 'js', 'wrap', 'db: { pg: true },\n'],
      [12, 'sh', 'skip', '$ npm test\n  indented more\n'],
      [17, 'yaml', undefined, 'a: 1\n'],
      [21, '', 'invalid', '```\n'],
    ]);
    expect(blocks[1]!.directive).toEqual({ kind: 'skip', reason: 'shows a shell session, not a command to run' });
  });

  it('refuses a skip without a reason and an unknown verb', () => {
    expect(blocks[3]!.directive).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('must say why') });
    const [b] = extractCodeBlocks('g.md', '<!-- docs-test: ignore -->\n```js\n1\n```\n');
    expect(b!.directive).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('unknown verb') });
  });
});

describe('JavaScript blocks', () => {
  it('a syntax error fails, pointing at the Markdown line', () => {
    expect(lint('db: {\n  pg: true,\n  mysql2: true,\n}')).toEqual([
      expect.stringMatching(/^guide\.md:6: Parsing error/),
    ]);
  });

  it('an options fragment that parses as labelled statements fails', () => {
    expect(lint('health: {\n  auth: {\n    bearerToken: process.env.T;\n  }\n}').join('\n')).toMatch(
      /labeled statement/,
    );
  });

  it('a name the block never defines fails; its wrapper can define it', () => {
    expect(lint('pulse.instrument(knex);')).toEqual([
      "guide.md:4: 'pulse' is not defined.",
      "guide.md:4: 'knex' is not defined.",
    ]);
    expect(lint("createPulse({ serviceName: 'a' });", '<!-- docs-test: wrap create-pulse -->')).toEqual([]);
  });

  it('a wrapper that does not exist fails', () => {
    const b = jsBlock('1;', '<!-- docs-test: wrap no-such-wrapper -->');
    expect(() => compose(b, ['.mjs'], /BLOCK/)).toThrow(/no wrapper no-such-wrapper/);
  });

  it('a block that throws while loading, or rejects after, fails', async () => {
    expect((await run("throw new Error('boom');")).ran).toBe(false);
    expect((await run("setTimeout(() => Promise.reject(new Error('late')), 50);")).ran).toBe(false);
    expect((await run("import { nope } from '@pulse-apm/exporter';")).ran).toBe(false);
  }, 30_000);

  it('a block that starts a server on a fixed port runs on an ephemeral one and is sent a request', async () => {
    const code = [
      "import http from 'node:http';",
      "const s = http.createServer((req, res) => res.end('hi'));",
      's.listen(3000);',
      "const t = http.createServer((req, res) => res.end('hi'));",
      't.listen(3000, () => {});',
    ].join('\n');
    expect(await run(code)).toEqual({ ran: true, stderr: '' });
  }, 30_000);

  it('a block whose server crashes on a request fails', async () => {
    const code = "import http from 'node:http';\nhttp.createServer(() => { throw new Error('crash'); }).listen(8080);";
    expect((await run(code)).ran).toBe(false);
  }, 30_000);

  it('env vars a block reads are set: real service URLs, placeholders for the rest', () => {
    const env = blockEnv('process.env.DATABASE_URL; process.env.SOME_TOKEN; process.env.PORT');
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*127\.0\.0\.1:5432\/test$/);
    expect(env.SOME_TOKEN).toBe(process.env.SOME_TOKEN ?? 'docs-test-SOME_TOKEN');
    expect(env.PORT).toBe(process.env.PORT);
  });
});

describe('shell blocks', () => {
  it('accepts the scripts, files and packages that exist', () => {
    expect(
      checkShell(
        'npm test   # the suite\nnpm run generate && npm run build -w exporter\nnpx jest exporter/test\nbash .ci/run\nnpm install prom-client\ndocker compose up --build',
      ),
    ).toEqual([]);
  });

  it('names each command that does not exist', () => {
    expect(
      checkShell(
        'npm run no-such-script\nnpm run build -w no-such-ws\nnode scripts/missing.mjs\nnpm install @pulse-apm/exporter\nno-such-tool --flag',
      ),
    ).toEqual([
      expect.stringContaining('npm run no-such-script: ./package.json has no such script'),
      expect.stringContaining('no such workspace'),
      expect.stringContaining('no file scripts/missing.mjs'),
      expect.stringContaining('a workspace of this repository, not a package on the registry'),
      expect.stringContaining('no-such-tool is not installed here'),
    ]);
  });
});

describe('YAML and query blocks', () => {
  it('a Prometheus config with an unknown field fails promtool; a valid one passes', () => {
    fs.mkdirSync(SCRATCH, { recursive: true });
    const file = path.join(SCRATCH, 'prometheus.yml');
    fs.writeFileSync(file, 'scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["127.0.0.1:1"] }]\n');
    expect(yamlKind(parseYaml(fs.readFileSync(file, 'utf8')).value)).toBe('prometheus-config');
    expect(toolCheck('prometheus-config', file)).toBeUndefined();
    fs.writeFileSync(file, 'scrape_configs:\n  - job_name: a\n    static_config: [{ targets: ["127.0.0.1:1"] }]\n');
    expect(toolCheck('prometheus-config', file)).toMatch(/static_config/);
  });

  it('a YAML syntax error fails', () => {
    expect(parseYaml('a: [1, 2\nb: 3\n').problems).not.toEqual([]);
  });

  it('splits queries at unindented lines and skips comments; broken LogQL is found', () => {
    expect(queryExpressions('# one\nup == 0\nsum(x)\n  / sum(y)\n')).toEqual([
      { line: 1, expr: 'up == 0' },
      { line: 2, expr: 'sum(x)\n  / sum(y)' },
    ]);
    expect(logqlErrors('{job="a"} |= "x"')).toEqual([]);
    expect(logqlErrors('{job="a" |= "x"')).not.toEqual([]);
  });

  it('sql-pattern fails when the documented pattern is not what the normaliser gives', () => {
    const check = CHECKERS['sql-pattern']!.run;
    expect(check("SELECT * FROM t WHERE a = 'x'\n→ SELECT * FROM t WHERE a = ?\n")).toEqual([]);
    expect(check("SELECT * FROM t WHERE a = 'x'\n→ SELECT * FROM t WHERE a = 'x'\n")).toHaveLength(1);
  });
});
