// A small LogQL evaluator for tests: parses with Grafana's own grammar (@grafana/lezer-logql) and
// runs the parts Pulse's queries use — stream selector, label filters, `| json` (bare or with an
// extraction list), `| label_format` (renames, and Go templates' `{{.x}}`, `{{if .x}}…{{else}}…{{end}}`), `| unwrap`, `count_over_time` / `max_over_time` and `sum|max by (…)` — over
// the entries a Loki receiver got. Loki's semantics where they matter: a missing label is "",
// label filters see stream labels, structured metadata and what a parser stage extracted.
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';

export interface Matcher {
  name: string;
  op: 'Eq' | 'Neq' | 'Re' | 'Nre';
  value: string;
}

type Stage =
  | { kind: 'filter'; matcher: Matcher }
  | { kind: 'json'; extract?: Record<string, string> }
  | { kind: 'labelFormat'; formats: Array<{ name: string; rename?: string; template?: string }> }
  | { kind: 'unwrap'; label: string };

export interface LogqlPlan {
  /** Offsets of syntax errors (empty when the query parses). */
  errors: number[];
  selector: Matcher[];
  stages: Stage[];
  /** `count_over_time`, `max_over_time`… when it is a metric query. */
  rangeOp?: string;
  /** Labels kept by the innermost `by (…)` (range aggregation or vector aggregation). */
  grouping?: string[];
}

/** One line as Loki's label filters see it: stream labels, then metadata, then parsed fields. */
export interface EntryLike {
  labels: Record<string, string>;
  metadata: Record<string, string>;
  line: string;
}

const text = (q: string, n: SyntaxNode): string => q.slice(n.from, n.to);

function matcherOf(q: string, node: SyntaxNode): Matcher {
  const id = node.getChild('Identifier')!;
  const op = id.nextSibling!;
  const value = node.getChild('String')!;
  return { name: text(q, id), op: op.name as Matcher['op'], value: JSON.parse(text(q, value)) as string };
}

function labelsOf(q: string, node: SyntaxNode): string[] {
  return [
    ...node.getChildren('Labels').flatMap((l) => labelsOf(q, l)),
    ...node.getChildren('Identifier').map((i) => text(q, i)),
  ];
}

export function planLogql(query: string): LogqlPlan {
  const plan: LogqlPlan = { errors: [], selector: [], stages: [] };
  parser.parse(query).iterate({
    enter(ref) {
      const node = ref.node;
      if (ref.type.isError) {
        plan.errors.push(ref.from);
      }
      if (ref.name === 'Matcher' && node.parent?.name === 'Matchers') {
        plan.selector.push(matcherOf(query, node));
      }
      if (ref.name === 'Matcher' && node.parent?.name === 'LabelFilter') {
        plan.stages.push({ kind: 'filter', matcher: matcherOf(query, node) });
      }
      if (ref.name === 'JsonExpressionParser') {
        const extract: Record<string, string> = {};
        const collect = (list: SyntaxNode | null): void => {
          if (!list) {
            return;
          }
          list.getChildren('LabelExtractionExpressionList').forEach(collect);
          for (const e of list.getChildren('LabelExtractionExpression')) {
            const name = text(query, e.getChild('Identifier')!);
            const str = e.getChild('String');
            extract[name] = str ? (JSON.parse(text(query, str)) as string) : name;
          }
        };
        collect(node.getChild('LabelExtractionExpressionList'));
        plan.stages.push({ kind: 'json', extract: Object.keys(extract).length > 0 ? extract : undefined });
      }
      if (ref.name === 'LabelFormatExpr') {
        const formats: Array<{ name: string; rename?: string; template?: string }> = [];
        const collect = (list: SyntaxNode | null): void => {
          if (!list) {
            return;
          }
          list.getChildren('LabelsFormat').forEach(collect);
          for (const m of list.getChildren('LabelFormatMatcher')) {
            const [name, source] = m.getChildren('Identifier');
            const str = m.getChild('String');
            formats.push(
              str
                ? { name: text(query, name!), template: logqlStringValue(text(query, str)) }
                : { name: text(query, name!), rename: text(query, source!) }
            );
          }
        };
        collect(node.getChild('LabelsFormat'));
        plan.stages.push({ kind: 'labelFormat', formats });
      }
      if (ref.name === 'UnwrapExpr' && node.getChild('Unwrap')) {
        plan.stages.push({ kind: 'unwrap', label: text(query, node.getChild('Identifier')!) });
      }
      if (ref.name === 'RangeOp') {
        plan.rangeOp = text(query, node);
      }
      if (ref.name === 'Grouping') {
        plan.grouping = labelsOf(query, node.getChild('Labels')!);
      }
    },
  });
  return plan;
}

function matches(m: Matcher, actual: string | undefined): boolean {
  const v = actual ?? '';
  switch (m.op) {
    case 'Eq':
      return v === m.value;
    case 'Neq':
      return v !== m.value;
    case 'Re':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case 'Nre':
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

export interface SelectedLine {
  entry: EntryLike;
  /** Every label the line has after the pipeline (stream, metadata, extracted). */
  labels: Record<string, string>;
  /** The unwrapped value, for `| unwrap`. */
  value?: number;
}

/** The lines a log query (or the log part of a metric query) returns, with their labels. */
export function selectLines(plan: LogqlPlan, entries: EntryLike[]): SelectedLine[] {
  const out: SelectedLine[] = [];
  for (const entry of entries) {
    if (!plan.selector.every((m) => matches(m, entry.labels[m.name]))) {
      continue;
    }
    const labels: Record<string, string> = { ...entry.metadata, ...entry.labels };
    let value: number | undefined;
    let kept = true;
    for (const stage of plan.stages) {
      if (stage.kind === 'filter') {
        kept = matches(stage.matcher, labels[stage.matcher.name]);
      } else if (stage.kind === 'json') {
        const json = parseJson(entry.line);
        if (json === undefined) {
          labels.__error__ = 'JSONParserErr';
        } else if (stage.extract) {
          for (const [label, field] of Object.entries(stage.extract)) {
            const v = json[field];
            if (v !== undefined && v !== null && typeof v !== 'object') {
              labels[label in labels ? `${label}_extracted` : label] = String(v);
            }
          }
        } else {
          for (const [field, v] of Object.entries(json)) {
            if (v !== null && typeof v !== 'object') {
              labels[field in labels ? `${field}_extracted` : field] = String(v);
            }
          }
        }
      } else if (stage.kind === 'labelFormat') {
        // Loki: every template of one stage sees the labels as they were before it.
        const before = { ...labels };
        for (const f of stage.formats) {
          if (f.rename !== undefined) {
            if (f.rename in labels) {
              labels[f.name] = labels[f.rename]!;
              delete labels[f.rename];
            }
          } else {
            labels[f.name] = renderGoTemplate(f.template!, before);
          }
        }
      } else {
        value = Number(labels[stage.label]);
        if (labels[stage.label] === undefined || Number.isNaN(value)) {
          labels.__error__ = 'SampleExtractionErr';
        }
        delete labels[stage.label];
      }
      if (!kept) {
        break;
      }
    }
    if (kept) {
      out.push({ entry, labels, value });
    }
  }
  return out;
}

/** A LogQL string literal's value: `"…"` with Go escapes (JSON's, for what Pulse writes) or a raw `…`. */
function logqlStringValue(literal: string): string {
  return literal.startsWith('`') ? literal.slice(1, -1) : (JSON.parse(literal) as string);
}

/**
 * The Go text/template subset Pulse's `label_format`s use, as Loki runs it (`missingkey=zero`: a
 * missing label is empty): text, `{{.label}}`, `{{if .label}}…{{else}}…{{end}}`. Anything else
 * throws, so a query using more than this evaluator knows fails its test instead of passing.
 */
export function renderGoTemplate(template: string, labels: Record<string, string>): string {
  let out = '';
  // One entry per open `if`: whether its branch being read is taken.
  const branches: Array<{ taken: boolean }> = [];
  const on = () => branches.every((b) => b.taken);
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{{', at);
    if (open < 0) {
      if (on()) {
        out += template.slice(at);
      }
      break;
    }
    if (on()) {
      out += template.slice(at, open);
    }
    const close = template.indexOf('}}', open);
    if (close < 0) {
      throw new Error(`unclosed action in template ${JSON.stringify(template)}`);
    }
    const action = template.slice(open + 2, close).trim();
    at = close + 2;
    const field = /^\.(\w+)$/.exec(action);
    const cond = /^if \.(\w+)$/.exec(action);
    if (field) {
      if (on()) {
        out += labels[field[1]!] ?? '';
      }
    } else if (cond) {
      branches.push({ taken: (labels[cond[1]!] ?? '') !== '' });
    } else if (action === 'else' && branches.length > 0) {
      const b = branches[branches.length - 1]!;
      b.taken = !b.taken;
    } else if (action === 'end' && branches.length > 0) {
      branches.pop();
    } else {
      throw new Error(`template action {{${action}}} is not handled by this evaluator`);
    }
  }
  if (branches.length > 0) {
    throw new Error(`unclosed {{if}} in template ${JSON.stringify(template)}`);
  }
  return out;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A metric query over every entry (the range covers them all): one sample per `by` group. */
export function evaluateMetric(plan: LogqlPlan, entries: EntryLike[]): Sample[] {
  if (!plan.rangeOp || !plan.grouping) {
    throw new Error('not a grouped metric query');
  }
  const groups = new Map<string, Sample>();
  for (const line of selectLines(plan, entries)) {
    const labels = Object.fromEntries(plan.grouping.map((g) => [g, line.labels[g] ?? '']).filter(([, v]) => v !== ''));
    const key = JSON.stringify(labels);
    const previous = groups.get(key);
    if (plan.rangeOp === 'count_over_time') {
      groups.set(key, { labels, value: (previous?.value ?? 0) + 1 });
    } else if (plan.rangeOp === 'max_over_time') {
      const v = line.value!;
      groups.set(key, { labels, value: Math.max(previous?.value ?? -Infinity, v) });
    } else {
      throw new Error(`${plan.rangeOp} not handled by this evaluator`);
    }
  }
  return [...groups.values()];
}

/**
 * What Grafana's Loki data source does to a multi-value variable inside a regex: escape each value
 * for the regex and again for the LogQL string it sits in (`.` → `\\.`), then join.
 */
export function lokiRegexOf(values: string[]): string {
  const escaped = values.map((v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]+?.()|]/g, '\\\\$&'));
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}
