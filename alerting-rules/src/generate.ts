// Writes the Grafana rules, the Prometheus mirror and docs/alerts.md: `npm run generate`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertConfig } from './config';
import { generateOutputs } from './outputs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
for (const [file, content] of Object.entries(generateOutputs(alertConfig))) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
  console.log(`wrote ${file}`);
}
