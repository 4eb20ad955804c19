/**
 * vmalert (Debian's victoria-metrics package, the evaluator the `scale` compose profile runs)
 * loads the shipped recording rules file as it is: `-dryRun` parses every group and expression
 * with MetricsQL. The PromQL comparison on VictoriaMetrics itself is
 * grafana-plugin/src/victoria-metrics.test.ts (it needs the Grafana app's queries).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './support/repo';
import { RULE_FILES } from './support/shipped-promql';

const VMALERT = '/usr/bin/vmalert';

function dryRun(file: string): { ok: boolean; output: string } {
  if (!fs.existsSync(VMALERT)) throw new Error(`${VMALERT} not found: install Debian's victoria-metrics package`);
  const r = spawnSync(VMALERT, [`-rule=${file}`, '-dryRun', '-loggerLevel=ERROR'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('vmalert loads the shipped rule files unchanged', () => {
  it.each(RULE_FILES)('%s', (file) => {
    expect(dryRun(path.join(ROOT, file))).toEqual({ ok: true, output: '' });
  });

  it('the check can fail: a rule vmalert cannot parse is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-vmalert-'));
    try {
      const file = path.join(dir, 'bad.yml');
      fs.writeFileSync(
        file,
        'groups:\n  - name: bad\n    rules:\n      - record: job:x:rate5m\n        expr: sum by (job (rate(x[5m]))\n',
      );
      expect(dryRun(file).ok).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
