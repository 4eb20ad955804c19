/**
 * The whole compose stack, end to end (testcontainers' DockerComposeEnvironment): metrics of the
 * demo in Prometheus (and the uptime probes), its events in Loki, the Pulse app enabled and its
 * pages served by Grafana, the provisioned data sources healthy, every generated alert rule
 * loaded into Grafana Alerting and every dashboard in the `pulse` folder.
 *
 * Needs a Docker engine and the plugin build (`npm run build -w grafana-plugin`); without an
 * engine it is skipped with the reason in its title. Takes minutes (image builds and pulls).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StartedDockerComposeEnvironment } from 'testcontainers';
import { APP_PLUGIN_ID, appUrl, DASHBOARD_FOLDER, DASHBOARD_UIDS, DATASOURCE_UIDS } from '../src/names';
import { logql, promql } from '../src/queries';
import { readYaml, ROOT } from './support/repo';
import { annotationsStore, type AnnotationsBackend } from '../../grafana-plugin/src/pages/errors/errorGroupStore';

/** `docker info` answers only when an engine runs (the client alone fails fast); bounded so a hung socket cannot stall the suite. */
function dockerEngine(): { available: boolean; reason: string } {
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000, encoding: 'utf8' });
  if (probe.error) return { available: false, reason: `no docker client (${probe.error.message})` };
  if (probe.status !== 0) return { available: false, reason: 'no Docker engine on this machine' };
  return { available: true, reason: '' };
}

const engine = dockerEngine();
const maybe = engine.available ? it : it.skip;
const title = (what: string) => (engine.available ? what : `${what} (skipped: ${engine.reason})`);

const GRAFANA_AUTH = `Basic ${Buffer.from(`admin:${process.env.GRAFANA_ADMIN_PASSWORD ?? 'admin'}`).toString('base64')}`;
const STARTUP_MS = 20 * 60_000;
const EVENTUALLY_MS = 3 * 60_000;

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* HTML or text: keep it as is */
  }
  return { status: res.status, body: body as T };
}

/** Grafana's HTTP API as the app's BackendSrv would call it (JSON in and out, errors carry the status). */
function grafanaClient(base: () => string): AnnotationsBackend {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: GRAFANA_AUTH, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status}`), { status: res.status, data: json });
    return json as T;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    delete: (path) => call('DELETE', path),
  };
}

/** Retries `check` until it stops throwing or the deadline passes (the stack fills up over tens of seconds). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = EVENTUALLY_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }
}

describe('docker compose stack', () => {
  let env: StartedDockerComposeEnvironment | undefined;
  const url: Record<'grafana' | 'prometheus' | 'loki', string> = { grafana: '', prometheus: '', loki: '' };

  beforeAll(async () => {
    if (!engine.available) return;
    if (!fs.existsSync(path.join(ROOT, 'grafana-plugin/dist/plugin.json'))) {
      throw new Error(
        'grafana-plugin/dist is missing: run `npm run build -w grafana-plugin` first (compose mounts it)',
      );
    }
    const { DockerComposeEnvironment, Wait } = await import('testcontainers');
    env = await new DockerComposeEnvironment(ROOT, 'docker-compose.yml')
      .withBuild()
      .withWaitStrategy('grafana-1', Wait.forHealthCheck())
      .withWaitStrategy('demo-1', Wait.forHealthCheck())
      .withStartupTimeout(STARTUP_MS)
      .up();
    const at = (container: string, port: number) => {
      const c = env!.getContainer(container);
      return `http://${c.getHost()}:${c.getMappedPort(port)}`;
    };
    url.grafana = at('grafana-1', 3000);
    url.prometheus = at('prometheus-1', 9090);
    url.loki = at('loki-1', 3100);
  }, STARTUP_MS + 60_000);

  afterAll(async () => {
    await env?.down({ removeVolumes: true, timeout: 30_000 });
  }, 120_000);

  const promQuery = async (expr: string) => {
    const { body } = await getJson<{
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    }>(`${url.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return body.data.result;
  };

  maybe(
    title('Prometheus has the demo\u2019s request metrics and the uptime probes'),
    async () => {
      await eventually(async () => {
        const rate = await promQuery(promql.requestRate({ selector: { job: 'demo' }, window: '1m' }));
        expect(Number(rate[0]?.value[1] ?? 0)).toBeGreaterThan(0);
      });
      await eventually(async () => {
        const probes = await promQuery(promql.probeSuccess({ job: 'blackbox' }));
        const targets = readYaml<Array<{ targets: string[] }>>(
          'provisioning/prometheus/probes/pulse-probes.yml',
        ).flatMap((g) => g.targets);
        expect(probes.map((p) => p.metric.instance).sort()).toEqual([...targets].sort());
      });
    },
    EVENTUALLY_MS * 2 + 30_000,
  );

  maybe(
    title('Loki has the demo\u2019s events'),
    async () => {
      await eventually(async () => {
        const end = Date.now() * 1e6;
        const query = logql.logSelector({ service: 'demo' });
        const { body } = await getJson<{ data: { result: unknown[] } }>(
          `${url.loki}/loki/api/v1/query_range?query=${encodeURIComponent(query)}&start=${end - 3600e9}&end=${end}&limit=10`,
        );
        expect(body.data.result.length).toBeGreaterThan(0);
      });
    },
    EVENTUALLY_MS + 30_000,
  );

  maybe(title('Grafana has the provisioned data sources, and they answer'), async () => {
    for (const uid of [DATASOURCE_UIDS.prometheus, DATASOURCE_UIDS.loki]) {
      const health = await getJson<{ status: string }>(`${url.grafana}/api/datasources/uid/${uid}/health`, {
        authorization: GRAFANA_AUTH,
      });
      expect({ uid, status: health.body.status }).toEqual({ uid, status: 'OK' });
    }
  });

  maybe(title('the Pulse app is enabled with its jsonData and its pages load'), async () => {
    const settings = await getJson<{ enabled: boolean; jsonData: Record<string, string> }>(
      `${url.grafana}/api/plugins/${APP_PLUGIN_ID}/settings`,
      { authorization: GRAFANA_AUTH },
    );
    expect(settings.status).toBe(200);
    expect(settings.body.enabled).toBe(true);
    expect(settings.body.jsonData).toMatchObject({
      prometheusUid: DATASOURCE_UIDS.prometheus,
      lokiUid: DATASOURCE_UIDS.loki,
    });
    for (const page of ['overview', 'database', 'errors', 'health', 'dependencies', 'runtime'] as const) {
      const res = await fetch(`${url.grafana}${appUrl(page)}`, {
        headers: { authorization: GRAFANA_AUTH },
        signal: AbortSignal.timeout(15_000),
      });
      expect({ page, status: res.status, html: (await res.text()).includes('<html') }).toEqual({
        page,
        status: 200,
        html: true,
      });
    }
  });

  maybe(title('Grafana serves the plugin its image was built with, from a directory no volume covers'), async () => {
    const container = env!.getContainer('grafana-1');
    // The plugin directory Grafana runs with, and the container's mounts (grafana-data among them).
    const pluginsDir = (await container.exec(['sh', '-c', 'printf %s "$GF_PATHS_PLUGINS"'])).output;
    const inspect = spawnSync('docker', ['inspect', container.getId(), '--format', '{{json .Mounts}}'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    const mounts = JSON.parse(inspect.stdout) as Array<{ Destination: string }>;
    const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
    expect(mounts.filter((m) => under(pluginsDir, m.Destination) || under(m.Destination, pluginsDir))).toEqual([]);
    // What Grafana serves is the image's copy, byte for byte.
    const baked = (await container.exec(['cat', `${pluginsDir}/${APP_PLUGIN_ID}/plugin.json`])).output;
    const served = await fetch(`${url.grafana}/public/plugins/${APP_PLUGIN_ID}/plugin.json`, {
      headers: { authorization: GRAFANA_AUTH },
      signal: AbortSignal.timeout(15_000),
    });
    expect(served.status).toBe(200);
    expect(JSON.parse(await served.text())).toEqual(JSON.parse(baked));
  });

  maybe(
    title('a resolved error group stays resolved after Grafana restarts (file provisioning rewrites the app jsonData)'),
    async () => {
      const store = annotationsStore(() => grafanaClient(() => url.grafana));
      const fingerprint = `e2e${Date.now().toString(16)}`;
      const before = await store.load();
      const resolvedAt = new Date().toISOString();
      await store.change(
        fingerprint,
        { resolved: { at: resolvedAt, by: 'admin' } },
        { basedOn: before.revisions[fingerprint] ?? 0, service: 'demo', by: 'admin' },
      );
      const grafana = env!.getContainer('grafana-1');
      await grafana.restart();
      url.grafana = `http://${grafana.getHost()}:${grafana.getMappedPort(3000)}`;
      await eventually(async () => {
        expect((await getJson(`${url.grafana}/api/health`)).status).toBe(200);
      });
      // The restart did what the issue describes: provisioning wrote the app's jsonData anew.
      const settings = await getJson<{ jsonData: Record<string, unknown> }>(
        `${url.grafana}/api/plugins/${APP_PLUGIN_ID}/settings`,
        { authorization: GRAFANA_AUTH },
      );
      expect(settings.body.jsonData.errorGroups).toBeUndefined();
      const after = await store.load();
      expect(after.state.groups[fingerprint]).toEqual({ resolved: { at: resolvedAt, by: 'admin' } });
    },
    EVENTUALLY_MS + 120_000,
  );

  maybe(title('every generated alert rule is loaded into Grafana Alerting'), async () => {
    const file = readYaml<{ groups: Array<{ rules: Array<{ uid: string }> }> }>(
      'provisioning/alerting/pulse-rules.yaml',
    );
    const expected = file.groups.flatMap((g) => g.rules.map((r) => r.uid)).sort();
    const { status, body } = await getJson<Array<{ uid: string }>>(`${url.grafana}/api/v1/provisioning/alert-rules`, {
      authorization: GRAFANA_AUTH,
    });
    expect(status).toBe(200);
    expect(body.map((r) => r.uid).sort()).toEqual(expected);
  });

  maybe(title('every dashboard is provisioned into the pulse folder'), async () => {
    for (const uid of Object.values(DASHBOARD_UIDS)) {
      const { status, body } = await getJson<{ meta: { folderUid: string; provisioned: boolean } }>(
        `${url.grafana}/api/dashboards/uid/${uid}`,
        { authorization: GRAFANA_AUTH },
      );
      expect({ uid, status, folderUid: body.meta?.folderUid, provisioned: body.meta?.provisioned }).toEqual({
        uid,
        status: 200,
        folderUid: DASHBOARD_FOLDER.uid,
        provisioned: true,
      });
    }
  });
});

describe('docker compose --profile scale (docs/scaling.md)', () => {
  let env: StartedDockerComposeEnvironment | undefined;
  const url: Record<'grafana' | 'vmselect', string> = { grafana: '', vmselect: '' };

  beforeAll(async () => {
    if (!engine.available) return;
    const { DockerComposeEnvironment, Wait } = await import('testcontainers');
    env = await new DockerComposeEnvironment(ROOT, 'docker-compose.yml')
      .withProfiles('scale')
      .withBuild()
      .withWaitStrategy('grafana-scale-1', Wait.forHealthCheck())
      .withWaitStrategy('vmalert-1', Wait.forHealthCheck())
      .withStartupTimeout(STARTUP_MS)
      .up();
    const at = (container: string, port: number) => {
      const c = env!.getContainer(container);
      return `http://${c.getHost()}:${c.getMappedPort(port)}`;
    };
    url.grafana = at('grafana-scale-1', 3000);
    url.vmselect = at('vmselect-1', 8481);
  }, STARTUP_MS + 60_000);

  afterAll(async () => {
    await env?.down({ removeVolumes: true, timeout: 30_000 });
  }, 120_000);

  const vmQuery = async (expr: string) => {
    const { body } = await getJson<{
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    }>(`${url.vmselect}/select/0/prometheus/api/v1/query?query=${encodeURIComponent(expr)}`);
    return body.data.result;
  };

  maybe(
    title('the agent remote-writes the demo\u2019s series into the cluster and vmalert records the rules there'),
    async () => {
      await eventually(async () => {
        const rate = await vmQuery(promql.requestRate({ selector: { job: 'demo' }, window: '1m' }));
        expect(Number(rate[0]?.value[1] ?? 0)).toBeGreaterThan(0);
      });
      // A recording rule's output exists only if vmalert evaluated it and wrote it back through vminsert.
      await eventually(async () => {
        expect((await vmQuery('job:http_server_requests:rate5m{job="demo"}')).length).toBe(1);
      });
    },
    EVENTUALLY_MS * 2 + 30_000,
  );

  maybe(
    title('grafana-scale\u2019s data source uid prometheus is vmselect, healthy, and its alert rules are loaded'),
    async () => {
      const ds = await getJson<{ url: string }>(`${url.grafana}/api/datasources/uid/${DATASOURCE_UIDS.prometheus}`, {
        authorization: GRAFANA_AUTH,
      });
      expect(ds.body.url).toBe('http://vmselect:8481/select/0/prometheus');
      const health = await getJson<{ status: string }>(
        `${url.grafana}/api/datasources/uid/${DATASOURCE_UIDS.prometheus}/health`,
        { authorization: GRAFANA_AUTH },
      );
      expect(health.body.status).toBe('OK');
      const rules = await getJson<Array<{ uid: string }>>(`${url.grafana}/api/v1/provisioning/alert-rules`, {
        authorization: GRAFANA_AUTH,
      });
      expect(rules.body.length).toBeGreaterThan(20);
    },
  );
});
