/**
 * docker-compose.yml: valid against the Compose specification, pinned images, healthchecks and
 * `service_healthy` dependencies, named volumes, the plugin mounted and allowed unsigned by id
 * only, mounts that exist, and every host:port the configs point at (Prometheus scrapes and probes,
 * data source URLs, service URLs, the alert webhook) is a compose service listening on that port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { APP_PLUGIN_ID, DATASOURCE_UIDS } from '../src/names';
import { BACKEND_URLS, SCALE_PROMETHEUS_URL } from '../src/datasources';
import { DATASOURCES_FILE, generateOutputs, SCALE_DATASOURCES_FILE } from '../src/outputs';
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
/** `docker compose --profile scale up`: the stack on a VictoriaMetrics cluster (docs/scaling.md). */
const SCALE_SERVICES = [
  'prometheus-agent',
  'vminsert',
  'vmstorage-1',
  'vmstorage-2',
  'vmselect',
  'vmalert',
  'grafana-scale',
];
const GRAFANA_BUILT = new Set(['grafana', 'grafana-scale']);

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
    const inProfile = (p?: string) =>
      Object.keys(services)
        .filter((n) => (services[n]!.profiles ?? [])[0] === p)
        .sort();
    expect(inProfile(undefined)).toEqual([...SERVICES].sort());
    expect(inProfile('scale')).toEqual([...SCALE_SERVICES].sort());
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        const dockerfile = GRAFANA_BUILT.has(name) ? 'grafana-plugin/Dockerfile' : 'demo/Dockerfile';
        // Grafana's version is a build argument: the e2e workflow builds the oldest and newest Grafana the app supports.
        const args = GRAFANA_BUILT.has(name) ? { args: ['GRAFANA_VERSION'] } : {};
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

/** A service's `-name=value` command flags whose name matches. */
function flagValues(service: string, name: RegExp): string[] {
  return (services[service]!.command ?? []).filter((a) => name.test(a.split('=')[0]!));
}
const AGENT_CONFIG_PATH = '/etc/prometheus/prometheus-agent.yml';
const agentConfig = repoPathFor(compose, 'prometheus-agent', AGENT_CONFIG_PATH)!;

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
    // The scale profile: the agent's scrapes and remote_write, the cluster's wiring, its Grafana's data sources.
    ...prometheusAddresses(agentConfig),
    ...readYaml<{ remote_write: Array<{ url: string }> }>(agentConfig).remote_write.map((w) =>
      parseAddress(`${agentConfig} remote_write`, w.url),
    ),
    ...SCALE_SERVICES.flatMap((name) =>
      flagValues(name, /^-(storageNode|datasource\.url|remoteWrite\.url)$/).map((v) =>
        parseAddress(`${name} ${v}`, v.split('=')[1]!),
      ),
    ),
    ...readYaml<{ datasources: Array<{ name: string; url: string }> }>(
      repoPathFor(compose, 'grafana-scale', '/etc/grafana/provisioning/datasources/pulse-datasources.yaml')!,
    ).datasources.map((d) => parseAddress(`grafana-scale data source ${d.name}`, d.url)),
  ];

  it('reads the addresses it should (scrapes, probes, data sources, webhook, service URLs)', () => {
    expect(addresses.length).toBeGreaterThanOrEqual(30);
    expect(addresses.filter((a) => a.from.includes('grafana-scale')).map((a) => a.host)).toContain('vmselect');
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

describe('the scale profile (docs/scaling.md)', () => {
  type Rules = { groups: Array<{ rules: Array<{ record?: string; alert?: string }> }> };
  const cmd = (name: string) => services[name]!.command ?? [];

  it('Prometheus runs in agent mode on the agent config, remote-writing every sample to vminsert (tenant 0)', () => {
    expect(cmd('prometheus-agent')).toEqual(expect.arrayContaining(['--agent', `--config.file=${AGENT_CONFIG_PATH}`]));
    const agent = readYaml<{ remote_write: Array<{ url: string }>; rule_files?: unknown }>(agentConfig);
    expect(agent.remote_write).toEqual([{ url: 'http://vminsert:8480/insert/0/prometheus/api/v1/write' }]);
    // Agent mode refuses rule_files: the rules run in vmalert and Grafana.
    expect(agent.rule_files).toBeUndefined();
  });

  it('the agent scrapes what the default Prometheus scrapes (its own Grafana instead of the default one)', () => {
    const jobs = (rel: string) =>
      readYaml<{ scrape_configs: Array<{ job_name: string }> }>(rel)
        .scrape_configs.map((j) => j.job_name)
        .sort();
    const main = repoPathFor(compose, 'prometheus', '/etc/prometheus/prometheus.yml')!;
    expect(jobs(agentConfig)).toEqual(jobs(main).filter((j) => j !== 'prometheus'));
    const targets = prometheusAddresses(agentConfig).map((a) => `${a.host}:${a.port}`);
    expect(targets).toContain('grafana-scale:3000');
    expect(targets).not.toContain('grafana:3000');
  });

  it('a cluster of two vmstorage nodes, both written by vminsert and read by vmselect', () => {
    const storage = ['vmstorage-1', 'vmstorage-2'];
    expect(flagValues('vminsert', /^-storageNode$/)).toEqual(storage.map((s) => `-storageNode=${s}:8400`));
    expect(flagValues('vmselect', /^-storageNode$/)).toEqual(storage.map((s) => `-storageNode=${s}:8401`));
    for (const s of storage) expect(exposedPorts(services[s])).toEqual(expect.arrayContaining([8400, 8401]));
    // Each node keeps its data in a volume of its own.
    const volumes = storage.map((s) => mountsOf(compose).find((m) => m.service === s && !m.bind)?.source);
    expect(new Set(volumes).size).toBe(2);
  });

  it('vmalert evaluates the recording rules only (Grafana evaluates the alert rules: each rule once)', () => {
    const ruleFlags = flagValues('vmalert', /^-rule$/).map((f) => f.split('=')[1]!);
    expect(ruleFlags).toEqual(['/etc/vmalert/rules/pulse-recording-rules.yml']);
    const files = ruleFlags.map((f) => repoPathFor(compose, 'vmalert', f)!);
    expect(files).toEqual(['provisioning/prometheus/rules/pulse-recording-rules.yml']);
    const rules = files.flatMap((f) => readYaml<Rules>(f).groups.flatMap((g) => g.rules));
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.filter((r) => r.alert !== undefined)).toEqual([]);
    expect(flagValues('vmalert', /^-datasource\.url$/)).toEqual([
      '-datasource.url=http://vmselect:8481/select/0/prometheus',
    ]);
    expect(flagValues('vmalert', /^-remoteWrite\.url$/)).toEqual([
      '-remoteWrite.url=http://vminsert:8480/insert/0/prometheus',
    ]);
  });

  it('grafana-scale is the default Grafana (image, environment, provisioning) with the data source uid prometheus on vmselect', () => {
    const scale = services['grafana-scale']!;
    expect(scale.build).toEqual(services.grafana!.build);
    expect(scale.image).toBe(services.grafana!.image);
    expect(scale.environment).toEqual({
      ...services.grafana!.environment,
      GF_SERVER_ROOT_URL: 'http://localhost:3001',
    });
    const targets = (name: string) =>
      mountsOf(compose)
        .filter((m) => m.service === name)
        .map((m) => m.target);
    expect(targets('grafana-scale').sort()).toEqual(targets('grafana').sort());
    // Its own data volume: two Grafanas never share one database.
    const data = (name: string) => mountsOf(compose).find((m) => m.service === name && m.target === '/var/lib/grafana');
    expect(data('grafana-scale')!.source).not.toBe(data('grafana')!.source);
    const file = repoPathFor(compose, 'grafana-scale', '/etc/grafana/provisioning/datasources/pulse-datasources.yaml')!;
    expect(file).toBe(SCALE_DATASOURCES_FILE);
    const ds = readYaml<{ datasources: Array<{ uid: string; url: string }> }>(file).datasources;
    expect(ds.find((d) => d.uid === DATASOURCE_UIDS.prometheus)!.url).toBe(SCALE_PROMETHEUS_URL);
    expect(ds.find((d) => d.uid === DATASOURCE_UIDS.loki)!.url).toBe(BACKEND_URLS.loki);
    // The same file as the default one, but for that URL (both generated).
    expect(readText(file)).toBe(generateOutputs()[SCALE_DATASOURCES_FILE]);
    expect(readText(file).replace(SCALE_PROMETHEUS_URL, BACKEND_URLS.prometheus)).toBe(readText(DATASOURCES_FILE));
  });

  it('no two services publish the same host port (the profile runs beside the default stack)', () => {
    const published = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(published.length).toBe(new Set(published).size);
  });
});
