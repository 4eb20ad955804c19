// Every fenced code block of README.md and docs/*.md, extracted at test time and run or checked
// by its language (see markdown-blocks.ts for the `<!-- docs-test: … -->` directives):
//
//   js/mjs/cjs/ts  parses, uses no name it does not define (eslint no-undef, with its wrapper if
//                  it is a fragment), then runs with node as a file in a scratch app beside the
//                  repository, `@pulse-apm/exporter` resolving to the workspace's built dist/.
//                  It must load, write nothing to stderr, and its servers (moved to an
//                  ephemeral port) must answer a request (harness/).
//   sh             every command it names exists: npm scripts in their package.json, files, tools
//   yaml           parses; a Prometheus config passes `promtool check config`, rules `promtool
//                  check rules`, Alertmanager `amtool check-config`, blackbox `--config.check`
//   json           parses
//   promql         each expression parses in real Prometheus (format_query)
//   logql          each expression parses with @grafana/lezer-logql
//   anything else  needs `check NAME` or `skip REASON`; skipped blocks are listed with their reason
import fs from 'node:fs';
import path from 'node:path';
import {
  CHECKERS,
  JS_LANGS,
  ROOT,
  SH_LANGS,
  YAML_LANGS,
  blockEnv,
  checkShell,
  compose,
  lintJs,
  logqlErrors,
  parseYaml,
  queryExpressions,
  runJs,
  toolCheck,
  yamlKind,
} from './block-checks';
import { extractCodeBlocks, type CodeBlock } from './markdown-blocks';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';

const RUN_TIMEOUT_MS = 20_000;
const SCRATCH = path.join(ROOT, '.tmp', 'docs-code-blocks');

const DOC_FILES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const BLOCKS = DOC_FILES.flatMap((f) => extractCodeBlocks(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

function title(b: CodeBlock): string {
  const how =
    b.directive?.kind === 'wrap' || b.directive?.kind === 'check' ? ` (${b.directive.kind} ${b.directive.name})` : '';
  return `${b.file}:${b.line} ${b.lang || '(no language)'}${how}`;
}

function scratchFile(b: CodeBlock, ext: string): string {
  fs.mkdirSync(SCRATCH, { recursive: true });
  return path.join(SCRATCH, `${b.file.replace(/[^\w]+/g, '-')}-L${b.line}${ext}`);
}

async function checkJs(b: CodeBlock): Promise<void> {
  const { ext } = JS_LANGS[b.lang]!;
  const composed = compose(b, [ext, '.mjs'], /\/\*\s*BLOCK\s*\*\//);
  expect(lintJs(b, composed)).toEqual([]);
  const dist = path.join(ROOT, 'exporter/dist/index.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build -w exporter\` (npm test does)`);
  const file = scratchFile(b, ext);
  fs.writeFileSync(file, composed.code);
  const r = await runJs(file, blockEnv(composed.code), RUN_TIMEOUT_MS);
  const ran = r.exitCode === 0 && r.stdout.includes('docs-test: block ran');
  expect({ ran, timedOut: r.timedOut, exitCode: r.exitCode, stderr: r.stderr }).toEqual({
    ran: true,
    timedOut: false,
    exitCode: 0,
    stderr: '',
  });
}

function checkYaml(b: CodeBlock): void {
  const composed = compose(b, ['.yml', '.yaml'], /^\s*#\s*BLOCK\s*$/);
  const { value, problems } = parseYaml(composed.code);
  expect(problems).toEqual([]);
  const kind = yamlKind(value);
  const file = scratchFile(b, '.yml');
  fs.writeFileSync(file, composed.code);
  expect({ kind, problem: toolCheck(kind, file) }).toEqual({ kind, problem: undefined });
}

describe('code blocks in README.md and docs/*.md', () => {
  let prom: PrometheusHandle | undefined;
  const promql = BLOCKS.some((b) => b.lang === 'promql' && b.directive?.kind !== 'skip');
  beforeAll(async () => {
    fs.rmSync(SCRATCH, { recursive: true, force: true });
    if (promql) prom = await startPrometheus({ targets: [] });
  }, 60_000);
  afterAll(() => prom?.stop());

  it('finds the blocks of every file that has fences', () => {
    for (const f of DOC_FILES) {
      const fences = fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .filter((l) => /^\s*(```|~~~)/.test(l)).length;
      expect({ f, blocks: BLOCKS.filter((b) => b.file === f).length }).toEqual({ f, blocks: Math.ceil(fences / 2) });
    }
  });

  for (const b of BLOCKS) {
    const d = b.directive;
    if (d?.kind === 'skip') {
      it.skip(`${title(b)}: excluded, ${d.reason}`, () => undefined);
      continue;
    }
    it(
      title(b),
      async () => {
        if (d?.kind === 'invalid') throw new Error(`<!-- docs-test: ${d.text} -->: ${d.problem}`);
        if (d?.kind === 'check') {
          const checker = CHECKERS[d.name];
          if (!checker) throw new Error(`no checker "${d.name}" (known: ${Object.keys(CHECKERS).join(', ')})`);
          expect(checker.run(b.code)).toEqual([]);
        } else if (JS_LANGS[b.lang]) {
          await checkJs(b);
        } else if (SH_LANGS.has(b.lang)) {
          expect(checkShell(b.code)).toEqual([]);
        } else if (YAML_LANGS.has(b.lang)) {
          checkYaml(b);
        } else if (b.lang === 'json') {
          expect(() => JSON.parse(b.code)).not.toThrow();
        } else if (b.lang === 'promql') {
          const failures: string[] = [];
          for (const q of queryExpressions(b.code)) {
            await prom!
              .formatQuery(q.expr)
              .catch((e: Error) => failures.push(`${b.file}:${b.firstLine + q.line}: ${e.message}`));
          }
          expect(failures).toEqual([]);
        } else if (b.lang === 'logql') {
          const failures = queryExpressions(b.code)
            .filter((q) => logqlErrors(q.expr).length > 0)
            .map((q) => `${b.file}:${b.firstLine + q.line}: ${q.expr}`);
          expect(failures).toEqual([]);
        } else {
          throw new Error(
            `no checker for "${b.lang || 'a fence without a language'}": add <!-- docs-test: check NAME --> ` +
              `(${Object.keys(CHECKERS).join(', ')}) or <!-- docs-test: skip REASON --> above it`,
          );
        }
      },
      RUN_TIMEOUT_MS + 10_000,
    );
  }
});
