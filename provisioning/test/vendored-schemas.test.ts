// The JSON Schemas the tests validate against live in the repository (vendor/schemas), so a fresh
// clone needs nothing beside it. Each file must be named in its folder's SOURCE.md with the sha256
// recorded there: an edited or unrecorded schema fails here rather than silently loosening a check.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VENDORED_SCHEMAS } from './support/repo';

const folders = fs
  .readdirSync(VENDORED_SCHEMAS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('vendor/schemas', () => {
  it('holds the schema folders the tests read', () => {
    expect(folders).toEqual(expect.arrayContaining(['compose', 'grafana-dashboard', 'grafana-plugin']));
  });

  describe.each(folders)('%s/', (folder) => {
    const dir = path.join(VENDORED_SCHEMAS, folder);
    const source = fs.existsSync(path.join(dir, 'SOURCE.md'))
      ? fs.readFileSync(path.join(dir, 'SOURCE.md'), 'utf8')
      : '';

    it('has a SOURCE.md naming the upstream URL, a commit and a date', () => {
      expect(source).toMatch(/https:\/\/github\.com\/[\w.-]+\/[\w.-]+/);
      expect(source).toMatch(/\b[0-9a-f]{40}\b/);
      expect(source).toMatch(/\b20\d\d-\d\d-\d\d\b/);
    });

    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    it.each(files)('%s is recorded in SOURCE.md with its sha256 and parses as JSON', (file) => {
      const bytes = fs.readFileSync(path.join(dir, file));
      const sha = createHash('sha256').update(bytes).digest('hex');
      // SOURCE.md gives the full hash or its first 16 hex digits, on the line naming the file.
      const line = source.split('\n').find((l) => l.includes(`\`${file}\``));
      expect(line).toBeDefined();
      const recorded = /\b([0-9a-f]{64}|[0-9a-f]{16})\b/.exec(line!.replace(/`/g, ' '))?.[1];
      expect({ file, sha: sha.slice(0, recorded?.length ?? 64) }).toEqual({ file, sha: recorded });
      expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow();
    });
  });
});
