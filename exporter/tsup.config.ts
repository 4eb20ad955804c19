import { defineConfig } from 'tsup';

// Two entry points: the library, and the catalog alone (no Node imports) for the Grafana app,
// dashboards and alert rules.
export default defineConfig({
  entry: { index: 'src/index.ts', 'catalog/index': 'src/catalog/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node18',
  external: ['express', 'prom-client', 'pg', 'mysql2', 'knex', 'pino', 'ioredis', 'redis'],
});
