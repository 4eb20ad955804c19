import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PULSE_VERSION } from './version';

test('PULSE_VERSION matches exporter/package.json', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect(PULSE_VERSION).toBe(pkg.version);
});
