/**
 * "Works whether the app imported the driver before or after Pulse", in real Node processes
 * (outside Jest's module registry) running the built package: CommonJS and ESM apps, drivers
 * loaded before and after createPulse(), each statement recorded exactly once.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MYSQL, PG } from './support';

const exporterDir = join(__dirname, '..', '..');
const fixtures = join(__dirname, 'fixtures');

function runNode(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: exporterDir,
        timeout: 20_000,
        env: { ...process.env, DB_FIXTURE_CONNECTIONS: JSON.stringify({ pg: PG, mysql: MYSQL }) },
      },
      (err, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (err || line === undefined) reject(new Error(`fixture failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
        else resolve(JSON.parse(line.slice(7)) as Record<string, number>);
      },
    );
  });
}

beforeAll(() => {
  if (!existsSync(join(exporterDir, 'dist', 'index.cjs')) || !existsSync(join(exporterDir, 'dist', 'index.js'))) {
    throw new Error('exporter/dist is missing: build it first (npm run build -w exporter; `npm test` does)');
  }
});

describe.each([
  ['CommonJS, drivers required before createPulse()', [join(fixtures, 'import-order.cjs'), 'before']],
  ['CommonJS, drivers required after createPulse()', [join(fixtures, 'import-order.cjs'), 'after']],
  ['ESM, drivers imported before Pulse', [join(fixtures, 'esm', 'before.mjs')]],
  ['ESM, drivers imported after Pulse', [join(fixtures, 'esm', 'after.mjs')]],
])('%s', (_name, args) => {
  it('records each driver’s statement exactly once', async () => {
    const counts = await runNode(args);
    expect(counts['postgresql SELECT pg_namespace']).toBe(1); // pg pool.query
    expect(counts['mysql SELECT information_schema.schemata']).toBe(1); // mysql2 pool.query
    expect(counts['postgresql SELECT pg_class']).toBe(1); // knex.raw on pg: once, not twice
    expect(counts['postgresql SELECT ']).toBe(1); // knex's own `select version();`
    expect(counts['postgresql CONNECT ']).toBe(2); // the pg pool's and knex's connection
    expect(counts['mysql CONNECT ']).toBe(1);
  });
});
