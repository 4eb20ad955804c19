// Writes the dashboards and the Grafana data sources file: `npm run generate -w provisioning`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS_DIR, generateOutputs } from './outputs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outputs = generateOutputs();
// A dashboard dropped from the generator must not linger in the provisioned folder.
for (const file of fs.readdirSync(path.join(root, DASHBOARDS_DIR))) {
  const rel = `${DASHBOARDS_DIR}/${file}`;
  if (file.endsWith('.json') && !(rel in outputs)) {
    fs.rmSync(path.join(root, rel));
    console.log(`removed ${rel}`);
  }
}
for (const [file, content] of Object.entries(outputs)) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
  console.log(`wrote ${file}`);
}
