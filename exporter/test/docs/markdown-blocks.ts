// Fenced code blocks of a Markdown file, with the `<!-- docs-test: … -->` directive written above
// each one. The code-blocks test runs whatever this finds, so a new block is tested the day it is
// written; nothing here lists snippets by hand.
//
// Directives (one HTML comment on the last non-blank line before the fence):
//   <!-- docs-test: wrap NAME -->   a fragment: run inside test/docs/wrappers/NAME.* at its BLOCK marker
//   <!-- docs-test: check NAME -->  checked by the named checker instead of its language's default
//   <!-- docs-test: skip REASON --> not run; the reason is shown in the skipped test's title

export type Directive =
  | { kind: 'wrap'; name: string }
  | { kind: 'check'; name: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; text: string; problem: string };

export interface CodeBlock {
  /** Repository-relative Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 1-based line of the block's first content line. */
  firstLine: number;
  /** The info string's first word, lower-cased ('' when the fence names no language). */
  lang: string;
  /** The block's text, with the fence's own indentation removed, ending in a newline. */
  code: string;
  directive?: Directive;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/;
const DIRECTIVE = /^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;
const MIN_REASON_CHARS = 10;

export function parseDirective(text: string): Directive {
  const [verb = '', ...rest] = text.split(/\s+/);
  const arg = rest.join(' ').trim();
  if (verb === 'skip') {
    return arg.length >= MIN_REASON_CHARS
      ? { kind: 'skip', reason: arg }
      : { kind: 'invalid', text, problem: `a skip must say why (at least ${MIN_REASON_CHARS} characters)` };
  }
  if (verb === 'wrap' || verb === 'check') {
    return /^[a-z0-9-]+$/.test(arg)
      ? { kind: verb, name: arg }
      : { kind: 'invalid', text, problem: `"${verb}" takes one name (lower-case letters, digits, -)` };
  }
  return { kind: 'invalid', text, problem: `unknown verb "${verb}" (expected wrap, check or skip)` };
}

/** Every fenced block in `markdown`. An unclosed fence runs to the end, as CommonMark reads it. */
export function extractCodeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      const trimmed = l.trim();
      if (trimmed.length >= fence.length && trimmed === fence[0]!.repeat(trimmed.length)) break;
      // Content keeps its indentation relative to the fence (list items indent their blocks).
      const lead = l.length - l.trimStart().length;
      body.push(l.slice(Math.min(lead, indent)));
    }
    blocks.push({
      file,
      line: i + 1,
      firstLine: i + 2,
      lang: open[3]!.toLowerCase(),
      code: body.join('\n') + '\n',
      directive: directiveAbove(lines, i),
    });
    i = j;
  }
  return blocks;
}

function directiveAbove(lines: string[], fenceIndex: number): Directive | undefined {
  let k = fenceIndex - 1;
  while (k >= 0 && lines[k]!.trim() === '') k--;
  if (k < 0) return undefined;
  const m = DIRECTIVE.exec(lines[k]!);
  return m ? parseDirective(m[1]!) : undefined;
}
