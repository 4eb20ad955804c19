// Variant 4: OpenTelemetry Node SDK with the http + express instrumentations and the
// Prometheus exporter on its own port. No other export: traces, logs and OTLP are off.
//
// BENCH_OTEL_TRACES=1 (variant "otel-traces") additionally records every span
// (AlwaysOn sampling) into a processor that drops it: the cost of tracing without export.
//
// Express is loaded with require() *after* sdk.start() so that require-in-the-middle
// patches it (an ESM `import express` would need the import-in-the-middle loader).
import { createRequire } from 'node:module';
import net from 'node:net';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { addRoutes, serve } from './common.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

class DropSpanProcessor {
  onStart() {}
  onEnd() {}
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

const traces = process.env.BENCH_OTEL_TRACES === '1';
const metricsPort = await freePort();
const exporter = new PrometheusExporter({ host: '127.0.0.1', port: metricsPort });
const sdk = new NodeSDK({
  serviceName: 'bench',
  metricReaders: [exporter],
  // An explicit empty list means: no tracer provider at all (spans are non-recording).
  spanProcessors: traces ? [new DropSpanProcessor()] : [],
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();

const require = createRequire(import.meta.url);
const express = require('express');

const app = express();
addRoutes(app, express);
await serve(app, { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` });
