import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { labelValues, listen, sampleSum } from '../support/app';
import type { RunningApp } from '../support/app';
import { EXPRESS_VERSIONS } from './express-versions';

const DURATION_COUNT = 'http_server_request_duration_seconds_count';

describe.each(EXPRESS_VERSIONS)('route templates on %s', (_name, express) => {
  let pulse: Pulse;
  let running: RunningApp;

  beforeAll(async () => {
    pulse = createPulse({
      serviceName: 'routes-test',
      http: { express },
      metrics: { registry: new Registry(), defaultMetrics: false },
    });
    const app = express();
    app.use(pulse.middleware());

    // Nested routers with a parameter in a mount path: req.baseUrl would leak `/api/v1`.
    const items = express.Router();
    items.get('/items/:itemId', (_req, res) => res.json({ ok: true }));
    items.get('/', (_req, res) => res.send('versions root'));
    const api = express.Router();
    api.use('/:version', items);
    app.use('/api/', api); // trailing slash on the mount must not double the slash

    // A sub-application mounted at a path.
    const admin = express();
    admin.get('/users/:userId', (_req, res) => res.send('user'));
    app.use('/admin', admin);

    // route() chains and array paths.
    app
      .route('/orders/:orderId')
      .get((_req, res) => res.send('get'))
      .put((_req, res) => res.send('put'));
    app.get(['/a', '/b'], (_req, res) => res.send('ab'));

    // A router that passes a request on: its mount must not stick to the next route.
    const passing = express.Router();
    passing.use((_req, _res, next) => next());
    app.use('/shop', passing);
    app.get('/shop/:sku', (_req, res) => res.send('sku'));

    // A plain middleware mounted at a path that answers itself (static files, proxies).
    app.use('/static', (req, res, next) => (req.path === '/missing.css' ? next() : res.send('file')));

    app.get('/fail', () => {
      throw new Error('boom');
    });
    app.use((_req, res) => res.status(404).send('not found'));
    pulse.mount(app);
    running = await listen(app);
  });

  afterAll(async () => {
    await running.close();
    await pulse.shutdown();
  });

  async function routeOf(path: string, init?: RequestInit): Promise<{ route: string | undefined; status: number }> {
    const before = await pulse.renderMetrics();
    const res = await fetch(running.baseUrl + path, init);
    await res.arrayBuffer();
    await new Promise((r) => setImmediate(r)); // 'close' is emitted a tick after the response ends
    const after = await pulse.renderMetrics();
    const changed = labelValues(after, DURATION_COUNT, 'http_route').filter((route) => {
      const labels = { http_route: route, http_response_status_code: String(res.status) };
      return sampleSum(after, DURATION_COUNT, labels) > sampleSum(before, DURATION_COUNT, labels);
    });
    expect(changed.length).toBeLessThanOrEqual(1);
    return { route: changed[0], status: res.status };
  }

  it.each([
    ['/api/v1/items/42', '/api/:version/items/:itemId', 200],
    ['/api/v2/items/7', '/api/:version/items/:itemId', 200],
    ['/api/v1', '/api/:version', 200],
    ['/admin/users/9', '/admin/users/:userId', 200],
    ['/orders/5', '/orders/:orderId', 200],
    ['/a', '/a,/b', 200],
    ['/shop/123', '/shop/:sku', 200],
    ['/static/site.css', '/static/*', 200],
    ['/static/missing.css', '(unmatched)', 404],
    ['/nowhere/at/all', '(unmatched)', 404],
    ['/fail', '/fail', 500],
  ])('GET %s is labelled %s', async (path, route, status) => {
    expect(await routeOf(path)).toEqual({ route, status });
  });

  it('labels other methods of a route() chain with the same template', async () => {
    expect(await routeOf('/orders/5', { method: 'PUT' })).toEqual({ route: '/orders/:orderId', status: 200 });
  });

  it('keeps raw paths out of the labels whatever the traffic', async () => {
    for (let i = 0; i < 50; i++) await routeOf(`/random-${i}/x`);
    const routes = labelValues(await pulse.renderMetrics(), DURATION_COUNT, 'http_route');
    expect(routes.some((r) => r.includes('random'))).toBe(false);
  });
});
