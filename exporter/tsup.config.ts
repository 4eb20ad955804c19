import { defineConfig } from 'tsup';

// Entry points: the library; the catalog and the LogQL and PromQL query modules alone (no Node imports) for
// the Grafana app, dashboards and alert rules; the log shipping thread (loaded by path at runtime).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'catalog/index': 'src/catalog/index.ts',
    'queries/logql': 'src/queries/logql.ts',
    'queries/promql': 'src/queries/promql.ts',
    'logs/loki-worker': 'src/logs/worker/loki-worker.ts',
  },
  // __dirname in the ESM bundle: the library finds logs/loki-worker.js next to itself.
  shims: true,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node18',
  external: ['express', 'prom-client', 'pg', 'mysql2', 'knex', 'pino', 'ioredis', 'redis'],
});
