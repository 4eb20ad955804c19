import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { listen, parseSamples } from '../support/app';
import type { RunningApp } from '../support/app';
import { EXPRESS_VERSIONS } from './express-versions';

// A catch-all route that answers 404 handled nothing: its requests are `(unmatched)` like those
// no route matched (Nest puts one under its global prefix for every unknown path). One that
// answers otherwise (an SPA's index.html) keeps its template, mount path joined with a slash.

describe.each(EXPRESS_VERSIONS)('catch-all routes on %s', (name, express) => {
  const e5 = name === 'Express 5';
  let pulse: Pulse;
  let running: RunningApp;

  beforeAll(async () => {
    pulse = createPulse({
      serviceName: 'catch-all',
      http: { express },
      metrics: { registry: new Registry(), defaultMetrics: false },
    });
    const app = express();
    app.use(pulse.middleware());
    const api = express.Router();
    api.get('/items/:id', (_req, res) => res.send('item'));
    api.get('/items/:id/later', (_req, _res, next) => next()); // passes the request on
    api.all(e5 ? '*path' : '*', (_req, res) => res.status(404).send('no such API')); // as Nest does
    app.use('/api', api);
    const spa = express.Router();
    spa.get(e5 ? '/{*path}' : '*', (_req, res) => res.send('<html>'));
    app.use('/app', spa);
    pulse.mount(app);
    running = await listen(app);
  });

  afterAll(async () => {
    await running?.close();
    await pulse?.shutdown();
  });

  it('counts a catch-all 404 as unmatched, and a catch-all answer under its template', async () => {
    const paths = ['/api/items/1', '/api/nope', '/api/v9/x?token=1', '/api/items/2/later', '/app/', '/app/settings/7'];
    const statuses = [];
    for (const p of paths) statuses.push((await fetch(running.baseUrl + p)).status);
    expect(statuses).toEqual([200, 404, 404, 404, 200, 200]);
    const counts: Record<string, number> = {};
    for (const s of parseSamples(await pulse.renderMetrics())) {
      if (s.name !== 'http_server_request_duration_seconds_count') continue;
      counts[`${s.labels.http_route} ${s.labels.http_response_status_code}`] = s.value;
    }
    expect(counts).toEqual({
      '/api/items/:id 200': 1,
      '(unmatched) 404': 3,
      [e5 ? '/app/{*path} 200' : '/app/* 200']: 2,
    });
  });
});
