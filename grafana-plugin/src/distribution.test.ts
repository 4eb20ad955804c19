/**
 * @jest-environment node
 */
// The built plugin (`npm run build -w grafana-plugin`; root `npm test` builds it first): AMD
// module, placeholders filled, and dist/plugin.json valid against Grafana's plugin.json schema.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import srcPluginJson from './plugin.json';
import packageJson from '../package.json';

const DIST = path.join(__dirname, '..', 'dist');
// Vendored copy (vendor/schemas/grafana-plugin/SOURCE.md names its origin and version).
const SCHEMA = path.join(__dirname, '..', '..', 'vendor', 'schemas', 'grafana-plugin', 'plugin.schema.json');
const BUILD_HINT = 'run `npm run build -w grafana-plugin` (root `npm test` does it first)';

function readDist(file: string): string {
  const p = path.join(DIST, file);
  if (!fs.existsSync(p)) {
    throw new Error(`${p} is missing: ${BUILD_HINT}`);
  }
  return fs.readFileSync(p, 'utf8');
}

describe('dist/', () => {
  it('module.js is an AMD module that leaves Grafana, React and Scenes peers external', () => {
    const js = readDist('module.js');
    expect(js).toMatch(/^(\/\*.*\*\/\s*)*define\(\[/s);
    const deps = JSON.parse(/define\((\[[^\]]*\])/.exec(js)![1]!) as string[];
    expect(deps).toEqual(
      expect.arrayContaining(['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'react-dom'])
    );
    expect(deps).not.toContain('@grafana/scenes');
  });

  it('plugin.json has its placeholders filled and matches src/plugin.json (not stale)', () => {
    const raw = readDist('plugin.json');
    expect(raw).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
    const dist = JSON.parse(raw);
    expect(dist.id).toBe('pulseapm-pulse-app');
    expect(dist.info.version).toBe(packageJson.version);
    expect(dist.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const expectedIncludes = JSON.parse(JSON.stringify(srcPluginJson.includes).replace(/%PLUGIN_ID%/g, dist.id));
    expect(dist.includes).toEqual(expectedIncludes);
  });

  it("plugin.json validates against Grafana's plugin.json schema", () => {
    const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
    const valid = validate(JSON.parse(readDist('plugin.json')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a plugin.json without an id is rejected', () => {
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
    const { id: _id, ...withoutId } = JSON.parse(readDist('plugin.json'));
    expect(validate(withoutId)).toBe(false);
  });
});
