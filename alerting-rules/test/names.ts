// Which metric and label names a PromQL expression mentions, by a small tokenizer: strings and
// numbers are skipped, identifiers are classified by what follows or encloses them. Enough for
// the expressions the query module builds; promtool is the authority on syntax.

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'group_left',
  'group_right',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export interface PromqlNames {
  metrics: Set<string>;
  labels: Set<string>;
  functions: Set<string>;
}

export function promqlNames(expr: string): PromqlNames {
  const out: PromqlNames = { metrics: new Set(), labels: new Set(), functions: new Set() };
  let braces = 0;
  let labelList = false;
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === '"' || ch === "'") {
      i++;
      while (i < expr.length && expr[i] !== ch) i += expr[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      // Numbers and durations (5m, 1h30m, 1e3, 0.95).
      while (i < expr.length && /[0-9a-zA-Z.]/.test(expr[i] as string)) i++;
      continue;
    }
    if (/[a-zA-Z_:]/.test(ch)) {
      const start = i;
      while (i < expr.length && /[a-zA-Z0-9_:]/.test(expr[i] as string)) i++;
      const id = expr.slice(start, i);
      const rest = expr.slice(i).trimStart();
      const next = /^(by|without)\s*\(/.test(rest) ? '(' : rest[0]; // `sum by (…) (…)` is a call too
      if (braces > 0 || labelList) out.labels.add(id);
      else if (KEYWORDS.has(id)) labelList = GROUPING.has(id) && next === '(';
      else if (next === '(') out.functions.add(id);
      else out.metrics.add(id);
      continue;
    }
    if (ch === '{') braces++;
    else if (ch === '}') braces--;
    else if (ch === ')' && labelList) labelList = false;
    i++;
  }
  return out;
}
