/**
 * docker-compose.yml: valid against the Compose specification, pinned images, healthchecks and
 * `service_healthy` dependencies, named volumes, the plugin mounted and allowed unsigned by id
 * only, mounts that exist, and every host:port the configs point at (Prometheus scrapes and probes,
 * data source URLs, service URLs, the alert webhook) is a compose service listening on that port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { APP_PLUGIN_ID } from '../src/names';
import { BACKEND_URLS } from '../src/datasources';
import { finalStage, isUnder, type Stage } from './support/dockerfile';
import { grafanaExpand, serviceEnvironment } from './support/interpolate';
import { readText, readYaml, ROOT } from './support/repo';
import { composeValidator, describeErrors } from './support/schemas';
import {
  COMPOSE_FILE,
  exposedPorts,
  mountsOf,
  parseAddress,
  prometheusAddresses,
  readCompose,
  repoPathFor,
  type Address,
} from './support/stack';

const compose = readCompose();
const services = compose.services;
const GRAFANA_DOCKERFILE = 'grafana-plugin/Dockerfile';
const SERVICES = ['demo', 'payments', 'postgres', 'prometheus', 'blackbox', 'loki', 'grafana', 'traffic', 'alert-sink'];

/** The image a service is built into (the final stage of its Dockerfile). */
function imageOf(service: string): Stage {
  const dockerfile = services[service]!.build!.dockerfile!;
  return finalStage(readText(dockerfile), dockerfile);
}
const grafanaImage = () => imageOf('grafana');
/** Where Grafana loads plugins from: compose's environment, else the image's (GF_PATHS_PLUGINS). */
const grafanaPluginsDir = () => services.grafana!.environment?.GF_PATHS_PLUGINS ?? grafanaImage().env.GF_PATHS_PLUGINS!;

/**
 * Paths an image writes (COPY/ADD destinations, WORKDIR) that a volume of the service mounts over:
 * a named volume is filled from the image only when it is first created, and a bind mount hides
 * the image's files at once, so a rebuilt image would never be seen there.
 */
function shadowedWrites(
  mounts: Array<{ target: string; source: string }>,
  image: Stage,
): Array<{ write: string; under: string }> {
  return image.writes.flatMap((w) =>
    mounts
      .filter((m) => isUnder(w.path, m.target))
      .map((m) => ({ write: `${w.instruction} ${w.path}`, under: `${m.source}:${m.target}` })),
  );
}

describe('docker-compose.yml', () => {
  it('validates against the Compose specification', () => {
    const validate = composeValidator();
    expect(validate(compose) ? '' : describeErrors(validate)).toBe('');
    // The check can fail: a port list that is not a list is rejected.
    expect(validate({ services: { x: { image: 'a:1', ports: { web: 80 } } } })).toBe(false);
  });

  it('has the stack\u2019s services, each on a pinned image or an image built from the repository', () => {
    expect(Object.keys(services).sort()).toEqual([...SERVICES].sort());
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        const dockerfile = name === 'grafana' ? 'grafana-plugin/Dockerfile' : 'demo/Dockerfile';
        // Grafana's version is a build argument: the e2e workflow builds the oldest and newest Grafana the app supports.
        const args = name === 'grafana' ? { args: ['GRAFANA_VERSION'] } : {};
        expect({ name, build: s.build }).toEqual({ name, build: { context: '.', dockerfile, ...args } });
        continue;
      }
      expect({ name, pinned: /^[\w./-]+:v?\d+(\.\d+)+(-[\w.]+)?$/.test(s.image ?? '') }).toEqual({
        name,
        pinned: true,
      });
    }
    // Without a GRAFANA_VERSION build argument, the image is a pinned Grafana 12.4 or later.
    const grafanaBase = finalStage(readText(GRAFANA_DOCKERFILE), GRAFANA_DOCKERFILE).image;
    expect(grafanaBase).toMatch(/^grafana\/grafana:12\.(4|[5-9])\.\d+$/);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:v3\./);
    expect(services.loki!.image).toMatch(/^grafana\/loki:3\./);
    expect(services.postgres!.image).toMatch(/^postgres:16\./);
  });

  it('runs the demo image with the demo workspace\u2019s scripts and the stack\u2019s URLs', () => {
    expect(services.demo!.command).toEqual(['npm', 'run', 'start:api', '-w', 'demo']);
    expect(services.payments!.command).toEqual(['npm', 'run', 'start:payments', '-w', 'demo']);
    expect(services.traffic!.command).toEqual(['npm', 'run', 'start:traffic', '-w', 'demo']);
    expect(services.demo!.environment).toMatchObject({ PORT: '3000', LOKI_URL: BACKEND_URLS.loki });
    expect(services.payments!.environment).toMatchObject({ PORT: '4000', LOKI_URL: BACKEND_URLS.loki });
    expect(services.traffic!.environment).toMatchObject({ TRAFFIC_TARGET: 'http://demo:3000' });
    // The scripts compose runs exist in the demo workspace, and so does the Dockerfile it builds.
    const scripts =
      (
        JSON.parse(fs.readFileSync(path.join(ROOT, 'demo/package.json'), 'utf8')) as {
          scripts?: Record<string, string>;
        }
      ).scripts ?? {};
    const missing = ['start:api', 'start:payments', 'start:traffic'].filter((s) => !(s in scripts));
    expect(missing).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, services.demo!.build!.dockerfile!))).toBe(true);
  });

  it('every long-running service has a healthcheck and every dependency waits for service_healthy', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name !== 'traffic')
        expect({ name, healthcheck: Array.isArray(s.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
        expect({ name, dep, condition: cond.condition, depHasHealthcheck: !!services[dep]?.healthcheck }).toEqual({
          name,
          dep,
          condition: 'service_healthy',
          depHasHealthcheck: true,
        });
      }
    }
    expect(Object.keys(services.grafana!.depends_on ?? {})).toEqual(expect.arrayContaining(['prometheus', 'loki']));
    expect(Object.keys(services.demo!.depends_on ?? {})).toEqual(
      expect.arrayContaining(['postgres', 'payments', 'loki']),
    );
  });

  it('keeps state in named volumes, all declared and all used', () => {
    const named = mountsOf(compose)
      .filter((m) => !m.bind)
      .map((m) => m.source);
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect(new Set(named)).toEqual(new Set(Object.keys(compose.volumes ?? {})));
  });

  it('bind-mounts only files that exist', () => {
    for (const m of mountsOf(compose).filter((x) => x.bind)) {
      expect({ mount: `${m.service}: ${m.source}`, exists: fs.existsSync(path.join(ROOT, m.source)) }).toEqual({
        mount: `${m.service}: ${m.source}`,
        exists: true,
      });
    }
  });

  it('loads the Pulse app from the plugin build, unsigned allowed for its id only, anonymous viewers, documented admin', () => {
    const env = services.grafana!.environment!;
    // Built into Grafana's image from this checkout, so `docker compose up` needs no host build...
    expect(services.grafana!.build).toMatchObject({ context: '.', dockerfile: GRAFANA_DOCKERFILE });
    const pluginDir = `${grafanaPluginsDir()}/${APP_PLUGIN_ID}`;
    expect(grafanaImage().writes).toContainEqual({ instruction: 'COPY', path: pluginDir });
    // ...and the development override (a valid Compose file too) serves the host's build output there instead.
    const dev = readYaml<{ services: Record<string, { volumes: string[] }> }>('docker-compose.plugin-dev.yml');
    expect(composeValidator()(dev)).toBe(true);
    expect(dev.services.grafana!.volumes).toContain(`./grafana-plugin/dist:${pluginDir}:ro`);
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(APP_PLUGIN_ID);
    expect(env).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_SECURITY_ADMIN_USER: 'admin',
    });
    expect(fs.readFileSync(path.join(ROOT, COMPOSE_FILE), 'utf8')).toMatch(/admin \/ admin/);
    for (const dir of ['datasources', 'plugins', 'dashboards', 'alerting']) {
      expect({
        dir,
        mounted: repoPathFor(compose, 'grafana', `/etc/grafana/provisioning/${dir}`) !== undefined,
      }).toEqual({ dir, mounted: true });
    }
  });
});

describe('what an image bakes in is what the container serves (no volume shadows it)', () => {
  const built = Object.entries(services).filter(([, s]) => s.build);

  it.each(built.map(([name]) => [name]))('%s: no path its image writes is under a mounted volume', (name) => {
    const mounts = mountsOf(compose).filter((m) => m.service === name);
    expect(shadowedWrites(mounts, imageOf(name))).toEqual([]);
  });

  it('Grafana loads plugins from a directory no volume covers, and the Pulse app is copied there', () => {
    const dir = grafanaPluginsDir();
    const mounts = mountsOf(compose).filter((m) => m.service === 'grafana');
    expect(mounts.filter((m) => isUnder(dir, m.target) || isUnder(m.target, dir))).toEqual([]);
    expect(grafanaImage().writes.map((w) => w.path)).toContain(`${dir}/${APP_PLUGIN_ID}`);
    // Grafana's data directory stays on the volume (users, sessions, annotations survive a rebuild).
    expect(mounts.find((m) => !m.bind && m.target === grafanaImage().env.GF_PATHS_DATA)).toBeDefined();
  });

  it('the check can fail: the plugin copied into Grafana\u2019s default plugin directory under the grafana-data volume is reported', () => {
    const old = finalStage(
      'FROM grafana/grafana:12.4.0\nCOPY --from=build /src/grafana-plugin/dist /var/lib/grafana/plugins/pulseapm-pulse-app\n',
      'old Dockerfile',
    );
    expect(shadowedWrites([{ source: 'grafana-data', target: '/var/lib/grafana' }], old)).toEqual([
      { write: 'COPY /var/lib/grafana/plugins/pulseapm-pulse-app', under: 'grafana-data:/var/lib/grafana' },
    ]);
    expect(old.env.GF_PATHS_PLUGINS).toBe('/var/lib/grafana/plugins');
  });
});

describe('every host:port the configs point at is a compose service listening there', () => {
  const prometheusConfig = repoPathFor(compose, 'prometheus', '/etc/prometheus/prometheus.yml')!;
  const env = (service: string, key: string): string => serviceEnvironment(services[service])[key]!;
  const datasources = readYaml<{ datasources: Array<{ name: string; url: string }> }>(
    repoPathFor(compose, 'grafana', '/etc/grafana/provisioning/datasources/pulse-datasources.yaml')!,
  ).datasources;
  const contactPoints = readYaml<{
    contactPoints: Array<{ receivers: Array<{ type: string; settings: { url?: string } }> }>;
  }>(repoPathFor(compose, 'grafana', '/etc/grafana/provisioning/alerting/contact-points.yaml')!).contactPoints;

  // A provisioning value as Grafana reads it: expanded with Grafana's environment, which compose
  // interpolated from a host that sets none of the optional variables (the default stack).
  const grafanaEnv = serviceEnvironment(services.grafana);
  const grafanaExpands = (value: string): string => grafanaExpand(value, grafanaEnv);

  const addresses: Address[] = [
    ...prometheusAddresses(prometheusConfig).map((a) => (a.host === 'localhost' ? { ...a, host: 'prometheus' } : a)),
    ...datasources.map((d) => parseAddress(`data source ${d.name}`, d.url)),
    ...contactPoints.flatMap((c) =>
      c.receivers
        .filter((r) => r.settings.url)
        .map((r) => parseAddress(`contact point ${r.type}`, grafanaExpands(r.settings.url!))),
    ),
    parseAddress('demo DATABASE_URL', env('demo', 'DATABASE_URL')),
    parseAddress('demo PAYMENTS_URL', env('demo', 'PAYMENTS_URL')),
    parseAddress('demo LOKI_URL', env('demo', 'LOKI_URL')),
    parseAddress('payments LOKI_URL', env('payments', 'LOKI_URL')),
    parseAddress('traffic TRAFFIC_TARGET', env('traffic', 'TRAFFIC_TARGET')),
  ];

  it('reads the addresses it should (scrapes, probes, data sources, webhook, service URLs)', () => {
    expect(addresses.length).toBeGreaterThanOrEqual(14);
    expect(addresses.filter((a) => a.from.includes('pulse-probes')).length).toBeGreaterThan(0);
  });

  it.each(addresses.map((a) => [`${a.from} → ${a.host}:${a.port}`, a] as const))('%s', (_label, a) => {
    expect({ host: a.host, port: a.port, listening: exposedPorts(services[a.host]).includes(a.port) }).toEqual({
      host: a.host,
      port: a.port,
      listening: true,
    });
  });

  it('services listen on the port they expose (PORT matches expose)', () => {
    for (const [name, s] of Object.entries(services)) {
      const port = s.environment?.PORT;
      if (port !== undefined) expect({ name, expose: s.expose }).toEqual({ name, expose: [port] });
    }
  });
});
