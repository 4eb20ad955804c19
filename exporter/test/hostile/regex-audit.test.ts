/**
 * Every regular expression in exporter/src has been reviewed for the text it runs on: a RegExp
 * over input Pulse does not control (request paths, headers, bodies, error messages, SQL, log
 * fields) must be linear by construction, and such input is cut before it is scanned. This test
 * lists each RegExp literal and `new RegExp()` / `RegExp()` call in the sources (co-located
 * *.test.ts files aside) and requires an entry in regex-allowlist.json saying why it is safe, so a
 * new one cannot land unreviewed. Entries claimed `linear:` are also checked for the shapes that
 * backtrack: lookaround, backreferences, a repeated group that holds a quantifier.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import allowlist from './regex-allowlist.json';

const SRC = join(__dirname, '../../src');

interface Found {
  file: string;
  line: number;
  regex: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every RegExp literal and RegExp constructor call, by the TypeScript parser (not a RegExp over code). */
function regexesIn(path: string): Found[] {
  const file = relative(SRC, path).split('\\').join('/');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  const visit = (node: ts.Node): void => {
    const isLiteral = node.kind === ts.SyntaxKind.RegularExpressionLiteral;
    const isConstructor =
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp';
    if (isLiteral || isConstructor) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ file, line, regex: node.getText(source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The shapes that make a backtracking engine rescan: lookaround, backreferences, nested repetition. */
function backtrackingShapes(literal: string): string[] {
  const source = literal.slice(1, literal.lastIndexOf('/'));
  const problems: string[] = [];
  if (/\(\?<?[=!]/.test(source)) problems.push('lookaround');
  if (/\\[1-9]|\\k</.test(source)) problems.push('backreference');
  // Walk the groups: a group holding a quantifier, itself repeated (`*`, `+`, `{n,}`), is nested repetition.
  const stack: boolean[] = [];
  let quantified = false; // the innermost open group (or the top level) holds a quantifier
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      stack.push(quantified);
      quantified = false;
    } else if (c === ')') {
      const inner: boolean = quantified;
      quantified = stack.pop() ?? false;
      const next = source[i + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}/.test(source.slice(i + 1)));
      if (inner && repeated) problems.push(`nested repetition before index ${i + 1}`);
      quantified ||= inner || repeated || next === '?';
    } else if (c === '*' || c === '+' || c === '{' || (c === '?' && source[i - 1] !== '(')) {
      quantified = true;
    }
  }
  return problems;
}

const SOURCES = sourceFiles(SRC);
const FOUND = SOURCES.flatMap(regexesIn);
const ENTRIES = allowlist.entries;
const key = (file: string, regex: string): string => `${file} ${regex}`;

test('the audit reads the sources: it finds the regexes known to be there', () => {
  expect(SOURCES.length).toBeGreaterThan(50);
  expect(FOUND.map((f) => key(f.file, f.regex))).toContain(key('deps/classify-error.ts', '/^[A-Z][A-Z0-9_]{1,47}$/'));
});

test('every regex in exporter/src is in regex-allowlist.json with a reason', () => {
  const listed = new Set(ENTRIES.map((e) => key(e.file, e.regex)));
  const unlisted = FOUND.filter((f) => !listed.has(key(f.file, f.regex))).map(
    (f) => `${f.file}:${f.line} ${f.regex} — add it to test/hostile/regex-allowlist.json with why it is safe`,
  );
  expect(unlisted).toEqual([]);
});

test('no allowlist entry is stale (its regex is still in that file)', () => {
  const present = new Set(FOUND.map((f) => key(f.file, f.regex)));
  expect(ENTRIES.filter((e) => !present.has(key(e.file, e.regex))).map((e) => key(e.file, e.regex))).toEqual([]);
});

test('each reason says whose text the regex reads, and why it is safe', () => {
  const bad = ENTRIES.filter((e) => !/^(Pulse-controlled|developer|linear): \S.{8,}/.test(e.reason));
  expect(bad).toEqual([]);
});

test('regexes over uncontrolled input (linear:) have no shape that backtracks', () => {
  const problems = ENTRIES.filter((e) => e.reason.startsWith('linear:'))
    .map((e) => {
      const where = FOUND.filter((f) => f.file === e.file && f.regex === e.regex).map((f) => `${f.file}:${f.line}`);
      const shapes = e.regex.startsWith('/') ? backtrackingShapes(e.regex) : ['a RegExp built at run time'];
      return shapes.length === 0 ? undefined : `${where.join(', ')} ${e.regex}: ${shapes.join(', ')}`;
    })
    .filter((p) => p !== undefined);
  expect(problems).toEqual([]);
});

test('the backtracking-shape check recognises the patterns the scanners replaced', () => {
  // From src/errors/fingerprint.ts before the scanners, and the glob compiler before http/exclude-paths.ts.
  expect(backtrackingShapes('/\\b(?=[A-Za-z0-9_-]*\\d)[A-Za-z0-9_-]{8,}\\b/g')).toEqual(['lookaround']);
  expect(backtrackingShapes('/\\b[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+\\b/g')).toHaveLength(1);
  expect(backtrackingShapes('/^(?:[^/]*\\/)*x$/')).toHaveLength(1);
  expect(backtrackingShapes('/(a+)+$/')).toHaveLength(1);
  expect(backtrackingShapes('/\\d+(\\.\\d+)?/g')).toEqual([]);
  expect(backtrackingShapes('/[(a+)+]/')).toEqual([]);
});
