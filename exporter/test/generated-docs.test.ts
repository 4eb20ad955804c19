import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMetricsDoc } from '../scripts/render-metrics-doc';
import { allMetrics } from '../src/catalog/index';

describe('docs/metrics.md', () => {
  const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'metrics.md'), 'utf8');

  it('matches the catalog (run `npm run generate` after changing the catalog)', () => {
    expect(committed).toBe(renderMetricsDoc());
  });

  it('lists every catalog metric', () => {
    for (const m of allMetrics) expect(committed).toContain(`| \`${m.name}\` |`);
  });
});
