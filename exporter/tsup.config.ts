import { defineConfig } from 'tsup';

const common = {
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  dts: true,
  // No `clean`: the Grafana app, dashboards and tests read dist/ while it is rebuilt; deleting it
  // first made their runs fail in between. No shared chunks either, so every output file has a
  // fixed name and a rebuild overwrites it: nothing goes stale.
  clean: false,
  splitting: false,
  sourcemap: true,
  target: 'node18' as const,
  external: ['express', 'prom-client', 'pg', 'mysql2', 'knex', 'pino', 'ioredis', 'redis'],
};

export default defineConfig([
  // The library and the log shipping thread (loaded by path at runtime). `shims` gives the ESM
  // bundle __dirname, so the library finds logs/loki-worker.js next to itself.
  {
    ...common,
    entry: { index: 'src/index.ts', 'logs/loki-worker': 'src/logs/worker/loki-worker.ts' },
    shims: true,
  },
  // The catalog and the PromQL and LogQL query modules alone, for the Grafana app, dashboards and
  // alert rules: built without shims, so they import nothing from Node (browsers load them).
  {
    ...common,
    entry: {
      'catalog/index': 'src/catalog/index.ts',
      'queries/logql': 'src/queries/logql.ts',
      'queries/promql': 'src/queries/promql.ts',
    },
    shims: false,
  },
]);
