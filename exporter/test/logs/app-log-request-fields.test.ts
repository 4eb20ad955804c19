/**
 * Inside a request every `pulse.logger` line carries the request's trace id, route and method, so
 * the trace view (LogQL `| trace_id="…"`) shows all lines of a request. An app line whose own
 * fields share those names (an upstream's trace id, a route the client asked for, an upstream's
 * status) must neither replace the request's values nor become structured metadata of its own:
 * they are shipped as `app_<field>`, like the other fields Pulse reserves, and the JSON line
 * holds each key once.
 */
import type express from 'express';
import request from 'supertest';
import type { Pulse } from '../../src/pulse';
import { EXPRESS_VERSIONS } from '../http/express-versions';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { auditRoutes } from './fixtures/audit-routes';
import { counterTotal, pulseShippingTo } from './helpers';

let loki: LokiReceiver;
let pulse: Pulse;
let app: express.Express;
beforeAll(async () => {
  loki = await startLokiReceiver();
  pulse = pulseShippingTo(loki);
  app = EXPRESS_VERSIONS[1]![1]();
  app.use(pulse.middleware());
  app.use(auditRoutes(pulse));
});
afterAll(async () => {
  await pulse.shutdown();
  await loki.stop();
});

test("an app line's own trace_id, http_route, method and status keep the request's metadata", async () => {
  const res = await request(app).post('/orders/9/audit');
  expect(res.status).toBe(200);
  const traceId = res.headers['x-trace-id'] as string;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  await loki.waitFor((e) => e.filter((x) => x.labels.event_kind === 'log').length >= 2);

  const lines = loki.entries().filter((e) => e.labels.event_kind === 'log');
  for (const line of lines) {
    // Structured metadata: the request's, nothing the app wrote.
    expect(line.metadata).toEqual({
      trace_id: traceId,
      http_route: '/orders/:orderId/audit',
      http_request_method: 'POST',
      service_instance_id: expect.any(String),
    });
    // Each key once in the JSON line (a duplicate key reads differently in different parsers).
    for (const key of ['trace_id', 'http_route', 'http_request_method'])
      expect({ key, count: line.line.split(`"${key}":`).length - 1 }).toEqual({ key, count: 1 });
  }
  const json = (msg: string) => loki.events().find((e) => e.json.msg === msg)!.json;
  expect(json('upstream audit call')).toMatchObject({
    trace_id: traceId,
    http_route: '/orders/:orderId/audit',
    http_request_method: 'POST',
    app_trace_id: 'upstream-4bf92f3577b34da6',
    app_http_route: '/legacy/checkout',
    app_http_request_method: 'PUT',
    app_http_response_status_code: 502,
    orderId: '9',
  });
  expect(json('upstream audit call').http_response_status_code).toBeUndefined();
  expect(json('child of a job logger')).toMatchObject({
    trace_id: traceId,
    http_route: '/orders/:orderId/audit',
    app_trace_id: 'job-77',
    app_http_route: '/jobs/reindex',
  });
  expect(counterTotal(pulse, 'pulse_log_fields_renamed_total', { field: 'trace_id' })).toBe(2);
  expect(counterTotal(pulse, 'pulse_log_fields_renamed_total', { field: 'http_response_status_code' })).toBe(1);
});
