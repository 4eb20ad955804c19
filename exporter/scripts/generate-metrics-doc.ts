import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMetricsDoc } from './render-metrics-doc';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'metrics.md');
writeFileSync(target, renderMetricsDoc());
console.log(`wrote ${target}`);
