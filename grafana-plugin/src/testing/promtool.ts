// Runs expressions as recording rules under `promtool test rules` over synthetic series: the
// authority on what Prometheus evaluates an expression to, without a running server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

export interface PromtoolCase {
  /** Input series, promtool notation: `{ series: 'metric{a="b"}', values: '0+60x10' }` (1m interval). */
  series: Array<{ series: string; values: string }>;
  /** Recording rules: record name → expression. */
  rules: Record<string, string>;
  /** What each recorded series must be at `evalTime`: record name → samples (labels + value). */
  expected: Record<string, Array<{ labels: string; value: number }>>;
  evalTime: string;
}

/** Writes the rules and the test, runs promtool, and returns its output (throws with it on failure). */
export function promtoolTest(c: PromtoolCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-promtool-'));
  try {
    const rules = {
      groups: [{ name: 'under-test', rules: Object.entries(c.rules).map(([record, expr]) => ({ record, expr })) }],
    };
    writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
    const test = {
      rule_files: ['rules.json'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: c.series,
          promql_expr_test: Object.entries(c.expected).map(([record, samples]) => ({
            expr: record,
            eval_time: c.evalTime,
            exp_samples: samples.map((s) => ({ labels: s.labels, value: s.value })),
          })),
        },
      ],
    };
    // promtool reads YAML; JSON is YAML.
    writeFileSync(join(dir, 'test.yml'), JSON.stringify(test));
    try {
      return execFileSync(PROMTOOL, ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`promtool test rules failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
