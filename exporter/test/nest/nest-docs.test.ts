import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './support/nest-app';

// docs/frameworks.md shows the Nest fixture app's own files (`<!-- nest-app file=… -->` above each
// block): nest-adapters.test.ts compiles and runs them, so the documented setup is the tested one.

const docs = readFileSync(join(repoRoot, 'docs', 'frameworks.md'), 'utf8');
const appDir = join(repoRoot, 'exporter', 'test', 'nest', 'app');

function documentedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const m of docs.matchAll(/<!-- nest-app file=(\S+) -->\s*(?:<!--[^>]*-->\s*)?```ts\n([\s\S]*?)```/g)) {
    files[m[1]!] = m[2]!;
  }
  return files;
}

describe('the NestJS section of docs/frameworks.md', () => {
  const files = documentedFiles();

  it('shows the setup files of both adapters', () => {
    expect(Object.keys(files).sort()).toEqual(
      ['src/main-fastify.ts', 'src/main.ts', 'src/pulse-exception.filter.ts', 'src/pulse.ts'].sort(),
    );
  });

  it.each(Object.keys(files))('shows %s exactly as the tested app has it', (file) => {
    expect(files[file]).toBe(readFileSync(join(appDir, file), 'utf8'));
  });
});
