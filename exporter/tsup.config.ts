import { defineConfig } from 'tsup';
import type { Options } from 'tsup';

const common: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  // No `clean`: the Grafana app, dashboards and tests read dist/ while it is rebuilt; deleting it
  // first made their runs fail in between. No shared chunks either (code or types: one entry per
  // build), so every output file has a fixed name and a rebuild overwrites it: nothing goes stale,
  // and package.json's `files` can name exactly what ships.
  clean: false,
  splitting: false,
  // Maps of positions only: the sources are not in the package, and inlining them (sourcesContent)
  // was 1.4 MB of the tarball.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  target: 'node18',
  external: ['express', 'prom-client', 'pg', 'mysql2', 'knex', 'pino', 'ioredis', 'redis'],
};

// The catalog and the PromQL and LogQL query modules are built without shims, so they import
// nothing from Node (the Grafana app loads them in browsers). The library gets `shims`, which give
// its ESM bundle a __dirname to find logs/loki-worker.js next to itself.
const browserSafe = (name: string, file: string): Options => ({ ...common, entry: { [name]: file }, shims: false });

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, shims: true },
  // The log shipping thread, loaded by path (logs/worker-file.ts) from both bundles: ESM only.
  { ...common, entry: { 'logs/loki-worker': 'src/logs/worker/loki-worker.ts' }, format: ['esm'], dts: false },
  // `node --import @pulse-apm/exporter/register` / `--require`: templates routes from the first one.
  { ...common, entry: { register: 'src/register.ts' }, dts: false, shims: true },
  browserSafe('catalog/index', 'src/catalog/index.ts'),
  browserSafe('queries/logql', 'src/queries/logql.ts'),
  browserSafe('queries/promql', 'src/queries/promql.ts'),
]);
