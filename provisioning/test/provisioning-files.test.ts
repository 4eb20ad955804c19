/**
 * The provisioning files compose mounts: every YAML parses, the generated data sources file is
 * up to date and survives Grafana's environment expansion, `promtool check config` passes on the
 * Prometheus config laid out as compose mounts it, and every uid referenced anywhere (data
 * sources, the app's jsonData, alert rules, dashboards, folders, contact points, templates)
 * exists where it should.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DATASOURCE_VARIABLES } from '../src/dashboards/panels';
import { traceQuery } from '../src/datasources';
import { APP_PLUGIN_ID, DASHBOARD_FOLDER, DASHBOARD_TAG, DASHBOARD_UIDS, DATASOURCE_UIDS } from '../src/names';
import { DASHBOARDS_DIR, DATASOURCES_FILE, generateOutputs } from '../src/outputs';
import { panelsOf } from './support/dashboards';
import { composeInterpolate, grafanaExpand, grafanaLoadsAlerting, serviceEnvironment } from './support/interpolate';
import { filesUnder, parseYaml, readText, readYaml, ROOT } from './support/repo';
import { mountsOf, readCompose, repoPathFor } from './support/stack';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';
/** Debian's prometheus-alertmanager ships it (.ci/run installs the package). */
const AMTOOL = '/usr/bin/amtool';

// What Grafana provisions, read through the compose mounts (so a wrong mount fails here too).
const compose = readCompose();
const grafanaFile = (containerDir: string): string[] => {
  const dir = repoPathFor(compose, 'grafana', containerDir);
  if (!dir) throw new Error(`compose mounts nothing at ${containerDir} in grafana`);
  return filesUnder(dir, /\.ya?ml$/);
};

interface DatasourceDef {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData?: {
    exemplarTraceIdDestinations?: Array<{ name: string; url?: string; datasourceUid?: string }>;
    derivedFields?: Array<{
      name: string;
      matcherType: string;
      matcherRegex: string;
      datasourceUid?: string;
      url: string;
    }>;
  };
}
const datasources = grafanaFile('/etc/grafana/provisioning/datasources').flatMap(
  (f) => readYaml<{ datasources: DatasourceDef[] }>(f).datasources,
);
const apps = grafanaFile('/etc/grafana/provisioning/plugins').flatMap(
  (f) => readYaml<{ apps: Array<{ type: string; disabled?: boolean; jsonData: Record<string, string> }> }>(f).apps,
);
const providers = grafanaFile('/etc/grafana/provisioning/dashboards').flatMap(
  (f) =>
    readYaml<{ providers: Array<{ folder: string; folderUid: string; type: string; options: { path: string } }> }>(f)
      .providers,
);
const alertingFiles = grafanaFile('/etc/grafana/provisioning/alerting').map((f) => ({
  f,
  doc: readYaml<AlertingDoc>(f),
}));

interface AlertingDoc {
  groups?: Array<{
    folder: string;
    rules: Array<{
      uid: string;
      labels?: Record<string, string>;
      data: Array<{ datasourceUid: string; model: { datasource?: { uid: string; type: string } } }>;
    }>;
  }>;
  contactPoints?: Array<{
    name: string;
    receivers: Array<{ uid: string; type: string; settings: Record<string, string> }>;
  }>;
  policies?: Array<Policy>;
  templates?: Array<{ name: string; template: string }>;
}
interface Policy {
  receiver?: string;
  continue?: boolean;
  object_matchers?: Array<[string, string, string]>;
  routes?: Policy[];
}

const dashboards = filesUnder(DASHBOARDS_DIR, /\.json$/).map((f) => JSON.parse(readText(f)) as Dashboard);

/** Receivers an alert reaches in an Alertmanager-style policy tree (first match wins unless `continue`). */
function routeAlert(root: Policy, labels: Record<string, string>): string[] {
  const matches = (p: Policy) =>
    (p.object_matchers ?? []).every(([label, op, value]) =>
      op === '=' ? (labels[label] ?? '') === value : new RegExp(`^(?:${value})$`).test(labels[label] ?? ''),
    );
  const visit = (p: Policy): string[] => {
    const out: string[] = [];
    for (const child of p.routes ?? []) {
      if (!matches(child)) continue;
      out.push(...visit(child));
      if (!child.continue) return out;
    }
    return out.length > 0 ? out : [p.receiver!];
  };
  return [...new Set(visit(root))];
}

function logqlErrors(query: string): number[] {
  const errors: number[] = [];
  logqlParser.parse(query).iterate({ enter: (n) => void (n.type.isError && errors.push(n.from)) });
  return errors;
}

describe('YAML files', () => {
  const files = [...filesUnder('provisioning', /\.ya?ml$/), 'docker-compose.yml'];

  it('there are the expected ones', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files)('%s parses', (file) => {
    expect(() => readYaml(file)).not.toThrow();
  });

  it('a malformed file is reported (the check can fail)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-yaml-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'a: [1, 2\nb: c\n');
      expect(() => readYaml(path.relative(ROOT, path.join(dir, 'bad.yaml')))).toThrow(/bad\.yaml/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Grafana data sources', () => {
  it('the generated file is up to date (run `npm run generate -w provisioning` after a change)', () => {
    expect(readText(DATASOURCES_FILE)).toBe(generateOutputs()[DATASOURCES_FILE]);
  });

  it('provision Prometheus and Loki with the fixed uids', () => {
    expect(datasources.map((d) => [d.uid, d.type])).toEqual([
      [DATASOURCE_UIDS.prometheus, 'prometheus'],
      [DATASOURCE_UIDS.loki, 'loki'],
    ]);
  });

  it("survive Grafana's environment expansion with their link variables intact", () => {
    const raw = readText(DATASOURCES_FILE);
    const expanded = readYaml<{ datasources: DatasourceDef[] }>(DATASOURCES_FILE).datasources.map(
      (d) => JSON.parse(grafanaExpand(JSON.stringify(d), { HOME: '/root' })) as DatasourceDef,
    );
    const [prom, loki] = expanded;
    const exemplarUrl = prom!.jsonData!.exemplarTraceIdDestinations![0]!.url!;
    expect(exemplarUrl).toContain('${__value.raw}');
    expect(exemplarUrl).toContain('${__from}');
    expect(loki!.jsonData!.derivedFields![0]!.url).toBe(traceQuery('${__value.raw}'));
    // Unescaped, the same file would lose them (the check can fail).
    expect(grafanaExpand(raw.replace(/\$\$/g, '$'))).not.toContain('${__value.raw}');
  });

  it('exemplars open the request\u2019s events in Loki by trace id', () => {
    const dest = datasources[0]!.jsonData!.exemplarTraceIdDestinations!;
    expect(dest.map((d) => d.name)).toEqual(['trace_id']);
    const url = new URL(grafanaExpand(dest[0]!.url!), 'http://grafana');
    expect(url.pathname).toBe('/explore');
    const panes = JSON.parse(url.searchParams.get('panes')!) as Record<
      string,
      { datasource: string; queries: Array<{ expr: string; datasource: { uid: string; type: string } }> }
    >;
    const pane = Object.values(panes)[0]!;
    expect(pane.datasource).toBe(DATASOURCE_UIDS.loki);
    expect(pane.queries[0]!.datasource).toEqual({ type: 'loki', uid: DATASOURCE_UIDS.loki });
    const query = pane.queries[0]!.expr.replace('${__value.raw}', '4bf92f3577b34da6a3ce929d0e0e4736');
    expect({ query, errors: logqlErrors(query) }).toEqual({ query, errors: [] });
    expect(query).toContain('| trace_id="4bf92f3577b34da6a3ce929d0e0e4736"');
  });

  it('a trace id on a Loki line links to every line of that trace', () => {
    const [field] = datasources[1]!.jsonData!.derivedFields!;
    // Pulse ships the trace id as structured metadata named as in the catalog (docs/errors-and-logs.md).
    expect(field).toMatchObject({
      matcherType: 'label',
      matcherRegex: 'trace_id',
      datasourceUid: DATASOURCE_UIDS.loki,
    });
    const query = grafanaExpand(field!.url).replace('${__value.raw}', 'abc123');
    expect({ query, errors: logqlErrors(query) }).toEqual({ query, errors: [] });
  });
});

describe('promtool check config', () => {
  let dir: string;
  beforeAll(() => {
    // Lay out what compose mounts into the prometheus container, under a temp root.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-promtool-'));
    for (const m of mountsOf(compose).filter((x) => x.service === 'prometheus' && x.bind)) {
      fs.cpSync(path.join(ROOT, m.source), path.join(dir, m.target), { recursive: true });
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const configFlag = () => {
    const flag = compose.services.prometheus!.command!.find((c) => c.startsWith('--config.file='));
    return path.join(dir, flag!.slice('--config.file='.length));
  };

  it('passes on the config as mounted, with every rule and probe file found', async () => {
    const { stdout, stderr } = await run(PROMTOOL, ['check', 'config', configFlag()]);
    const output = `${stdout}${stderr}`;
    expect(output).toContain('is valid prometheus config file syntax');
    expect(output).not.toMatch(/WARNING|FAILED/);
    // Each file the config names is found (the stack loads the recording rules only: docs/alerts.md).
    const named = parseYaml<{ rule_files: string[] }>(fs.readFileSync(configFlag(), 'utf8')).rule_files;
    for (const f of named) expect(fs.existsSync(path.join(path.dirname(configFlag()), f))).toBe(true);
    expect(output).toContain(`SUCCESS: ${named.length} rule files found`);
  });

  it('fails when a file the config names is missing (the check can fail)', async () => {
    const probes = path.join(path.dirname(configFlag()), 'probes');
    const moved = `${probes}.moved`;
    fs.renameSync(probes, moved);
    try {
      const { stdout, stderr } = await run(PROMTOOL, ['check', 'config', configFlag()]);
      expect(`${stdout}${stderr}`).toMatch(/WARNING: file .*probes.* does not exist/);
    } finally {
      fs.renameSync(moved, probes);
    }
  });

  it('keeps exemplars: compose starts Prometheus with exemplar storage', () => {
    expect(compose.services.prometheus!.command).toContain('--enable-feature=exemplar-storage');
  });
});

describe('every uid referenced exists where it should', () => {
  const dsByUid = new Map(datasources.map((d) => [d.uid, d]));
  const rules = alertingFiles.flatMap(({ doc }) => doc.groups ?? []).flatMap((g) => g.rules);

  it('alert rules query provisioned data sources (or Grafana expressions)', () => {
    expect(rules.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const r of rules) {
      for (const q of r.data) {
        const ok =
          q.datasourceUid === '__expr__'
            ? q.model.datasource?.uid === '__expr__'
            : dsByUid.get(q.datasourceUid)?.type === q.model.datasource?.type &&
              q.model.datasource?.uid === q.datasourceUid;
        if (!ok) missing.push(`${r.uid}: ${q.datasourceUid} (${JSON.stringify(q.model.datasource)})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the app is enabled, with jsonData naming the provisioned Prometheus and Loki', () => {
    const pluginJson = JSON.parse(readText('grafana-plugin/src/plugin.json')) as { id: string };
    expect(pluginJson.id).toBe(APP_PLUGIN_ID);
    expect(apps).toEqual([expect.objectContaining({ type: APP_PLUGIN_ID, disabled: false })]);
    const { prometheusUid, lokiUid } = apps[0]!.jsonData;
    expect(dsByUid.get(prometheusUid!)?.type).toBe('prometheus');
    expect(dsByUid.get(lokiUid!)?.type).toBe('loki');
  });

  it('dashboards default their data source variables to provisioned uids and name no other', () => {
    for (const d of dashboards) {
      for (const v of (d.templating?.list ?? []).filter((x) => x.type === 'datasource')) {
        expect({ dashboard: d.uid, type: dsByUid.get(String(v.current?.value))?.type }).toEqual({
          dashboard: d.uid,
          type: v.query,
        });
      }
      const literal = [...JSON.stringify(d).matchAll(/"uid":"([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((u) => u !== d.uid && !Object.values(DATASOURCE_VARIABLES).some((v) => u === `\${${v}}`));
      expect({ dashboard: d.uid, literal: literal.filter((u) => !dsByUid.has(u)) }).toEqual({
        dashboard: d.uid,
        literal: [],
      });
    }
  });

  it('dashboard links resolve: /d/<uid> links to provisioned dashboards, tag dropdowns list some', () => {
    const uids = new Set(dashboards.map((d) => d.uid));
    for (const d of dashboards) {
      const links = [
        ...(d.links ?? []),
        ...panelsOf(d).flatMap(
          (p) =>
            (p.fieldConfig?.defaults as { links?: Array<{ url?: string; type?: string; tags?: string[] }> })?.links ??
            [],
        ),
      ];
      for (const l of links) {
        const target = l.url?.match(/^\/d\/([^/?]+)/)?.[1];
        if (target)
          expect({ from: d.uid, target, exists: uids.has(target) }).toEqual({ from: d.uid, target, exists: true });
        if (l.type === 'dashboards') {
          for (const tag of l.tags ?? []) expect(dashboards.some((x) => x.tags?.includes(tag))).toBe(true);
        }
      }
    }
    expect(uids).toEqual(new Set(Object.values(DASHBOARD_UIDS)));
    expect(dashboards.every((d) => d.tags?.includes(DASHBOARD_TAG))).toBe(true);
  });

  it('dashboards go to the folder with uid `pulse`, read from where compose mounts the JSON', () => {
    expect(providers).toEqual([
      expect.objectContaining({ type: 'file', folderUid: DASHBOARD_FOLDER.uid, folder: DASHBOARD_FOLDER.title }),
    ]);
    expect(repoPathFor(compose, 'grafana', providers[0]!.options.path)).toBe(DASHBOARDS_DIR);
  });

  it("the rules' folder title differs from the dashboards folder's (Grafana would make two folders of one name)", () => {
    const ruleFolders = new Set(alertingFiles.flatMap(({ doc }) => doc.groups ?? []).map((g) => g.folder));
    expect(ruleFolders.size).toBeGreaterThan(0);
    expect(ruleFolders.has(DASHBOARD_FOLDER.title)).toBe(false);
  });

  it('notification policies route to defined contact points on labels the rules carry', () => {
    const contactPoints = alertingFiles.flatMap(({ doc }) => doc.contactPoints ?? []);
    const names = new Set(contactPoints.map((c) => c.name));
    const policies = alertingFiles.flatMap(({ doc }) => doc.policies ?? []);
    expect(policies).toHaveLength(1);
    const walk = (p: Policy): Policy[] => [p, ...(p.routes ?? []).flatMap(walk)];
    const all = walk(policies[0]!);
    expect(all.length).toBeGreaterThan(1);
    for (const p of all)
      if (p.receiver)
        expect({ receiver: p.receiver, defined: names.has(p.receiver) }).toEqual({
          receiver: p.receiver,
          defined: true,
        });
    const ruleLabels = rules.map((r) => r.labels ?? {});
    for (const p of all) {
      for (const [label, op, value] of p.object_matchers ?? []) {
        // `=~` matchers are the env-driven channel switches, checked below.
        expect(['=', '=~']).toContain(op);
        if (op === '=~') continue;
        expect({ label, value, used: ruleLabels.some((l) => l[label] === value || label === 'alertname') }).toEqual({
          label,
          value,
          used: true,
        });
      }
    }
  });

  describe('channels follow the environment (compose → Grafana expansion → policy tree)', () => {
    const grafanaEnv = (host: Record<string, string>) => serviceEnvironment(compose.services.grafana, host);
    // What Grafana loads: each field expanded (or not) as its provisioning types do.
    const expanded = (host: Record<string, string>) =>
      alertingFiles.filter(({ doc }) => !doc.groups).map(({ doc }) => grafanaLoadsAlerting(doc, grafanaEnv(host)));
    const receiversFor = (host: Record<string, string>, labels: Record<string, string>) => {
      const docs = expanded(host);
      return routeAlert(docs.flatMap((d) => d.policies ?? [])[0]!, labels);
    };
    const severities = [...new Set(rules.map((r) => r.labels?.severity ?? ''))];
    const configured = {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      ALERT_EMAIL_TO: 'oncall@example.com',
    };

    it('unset: no rule reaches Slack or email, and every contact point is still valid for Grafana', () => {
      expect(severities).toEqual(expect.arrayContaining(['critical', 'warning', 'info', 'none']));
      for (const severity of severities) {
        const to = receiversFor({}, { severity, alertname: 'PulseX', service_name: 'demo' });
        expect({ severity, to }).toEqual({ severity, to: expect.not.arrayContaining(['pulse-slack']) });
        expect(to).not.toContain('pulse-email');
        expect(to).toContain('pulse-webhook');
      }
      const receivers = expanded({})
        .flatMap((d) => d.contactPoints ?? [])
        .flatMap((c) => c.receivers);
      const byType = Object.fromEntries(receivers.map((r) => [r.type, r.settings]));
      expect(() => new URL(String(byType.slack!.url))).not.toThrow();
      expect(String(byType.email!.addresses)).toMatch(/^\S+@\S+$/);
      const hmac = byType.webhook!.hmacConfig as unknown as Record<string, string>;
      expect(hmac.secret!.length).toBeGreaterThan(8);
    });

    it('set: pages go to Slack, email and the webhook; warnings to Slack; the Watchdog only to the webhook', () => {
      const to = (severity: string, alertname = 'PulseX') =>
        receiversFor(configured, { severity, alertname, service_name: 'demo' }).sort();
      expect(to('critical')).toEqual(['pulse-email', 'pulse-slack', 'pulse-webhook']);
      expect(to('warning')).toEqual(['pulse-slack', 'pulse-webhook']);
      expect(to('info')).toEqual(['pulse-webhook']);
      expect(to('none', 'PulseWatchdog')).toEqual(['pulse-webhook']);
      const receivers = expanded(configured)
        .flatMap((d) => d.contactPoints ?? [])
        .flatMap((c) => c.receivers);
      expect(receivers.find((r) => r.type === 'slack')!.settings.url).toBe(configured.SLACK_WEBHOOK_URL);
      expect(receivers.find((r) => r.type === 'email')!.settings.addresses).toBe(configured.ALERT_EMAIL_TO);
    });

    it('the webhook is signed with the secret the sink verifies (one variable in compose)', () => {
      const host = { ALERT_WEBHOOK_HMAC_SECRET: 's3cret-for-test' };
      const webhook = expanded(host)
        .flatMap((d) => d.contactPoints ?? [])
        .flatMap((c) => c.receivers)
        .find((r) => r.type === 'webhook')!;
      expect(webhook.settings.hmacConfig).toEqual({
        secret: 's3cret-for-test',
        header: 'X-Grafana-Alerting-Signature',
        timestampHeader: 'X-Grafana-Alerting-Timestamp',
      });
      const sinkEnv = compose.services['alert-sink']!.environment as Record<string, string>;
      expect(composeInterpolate(sinkEnv.WEBHOOK_HMAC_SECRET!, host)).toBe('s3cret-for-test');
    });
  });

  it('contact points use templates that templates.yaml defines, and the webhook reaches the stack\u2019s sink', () => {
    const contactPoints = alertingFiles.flatMap(({ doc }) => doc.contactPoints ?? []);
    const receivers = contactPoints.flatMap((c) => c.receivers);
    expect(new Set(receivers.map((r) => r.uid)).size).toBe(receivers.length);
    const defined = new Set(
      alertingFiles
        .flatMap(({ doc }) => doc.templates ?? [])
        .flatMap((t) => [...t.template.matchAll(/define "([^"]+)"/g)].map((m) => m[1])),
    );
    const used = receivers.flatMap((r) =>
      Object.values(r.settings).flatMap((v) => [...String(v).matchAll(/template "([^"]+)"/g)].map((m) => m[1])),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect({ name, defined: defined.has(name) }).toEqual({ name, defined: true });
    const webhook = receivers.find((r) => r.type === 'webhook')!;
    expect(new URL(webhook.settings.url!).hostname).toBe('alert-sink');
  });

  it('message templates parse and render with the Alertmanager template engine Grafana shares (amtool)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-tmpl-'));
    try {
      const templates = alertingFiles.flatMap(({ doc }) => doc.templates ?? []);
      expect(templates.length).toBeGreaterThan(0);
      fs.writeFileSync(path.join(dir, 'pulse.tmpl'), templates.map((t) => t.template).join('\n'));
      fs.writeFileSync(path.join(dir, 'broken.tmpl'), '{{ define "broken" }}{{ if }}{{ end }}');
      const render = (glob: string, name: string) =>
        run(AMTOOL, [
          'template',
          'render',
          `--template.glob=${path.join(dir, glob)}`,
          `--template.text={{ template "${name}" . }}`,
        ]);
      for (const name of ['pulse.title', 'pulse.message'])
        await expect(render('pulse.tmpl', name)).resolves.toBeDefined();
      await expect(render('broken.tmpl', 'broken')).rejects.toThrow(); // the check can fail
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hand-written alerting files expand only ${PULSE_*} variables that compose sets on grafana', () => {
    const env = compose.services.grafana!.environment as Record<string, string>;
    for (const { f } of alertingFiles.filter(({ doc }) => !doc.groups)) {
      const code = readText(f)
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#'));
      const dollars = code.flatMap((l) => [...l.matchAll(/\$(\{[^}]*\}|\S*)/g)].map((m) => m[0]));
      const unknown = dollars.filter((d) => !/^\$\{PULSE_[A-Z_]+\}$/.test(d) || !(d.slice(2, -1) in env));
      expect({ file: f, unknown }).toEqual({ file: f, unknown: [] });
    }
  });

  it('Slack is coloured by severity and the email subject reads "[Pulse Alert] <severity>: <name>"', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-tmpl-'));
    try {
      const templates = alertingFiles.flatMap(({ doc }) => doc.templates ?? []);
      fs.writeFileSync(path.join(dir, 'pulse.tmpl'), templates.map((t) => t.template).join('\n'));
      const render = async (name: string, status: string, severity: string) => {
        const labels = { alertname: 'PulseServerLost', severity, service_name: 'payments', job: 'payments' };
        const data = {
          receiver: 'x',
          status,
          alerts: [
            { status, labels, annotations: {}, startsAt: '2024-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z' },
          ],
          groupLabels: { alertname: 'PulseServerLost', service_name: 'payments' },
          commonLabels: labels,
          commonAnnotations: {},
          externalURL: 'http://grafana',
        };
        fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(data));
        const { stdout } = await run(AMTOOL, [
          'template',
          'render',
          `--template.glob=${path.join(dir, '*.tmpl')}`,
          `--template.data=${path.join(dir, 'data.json')}`,
          `--template.text={{ template "${name}" . }}`,
        ]);
        return stdout.trim();
      };
      expect(await render('pulse.email.subject', 'firing', 'critical')).toBe(
        '[Pulse Alert] critical: PulseServerLost (payments)',
      );
      expect(await render('pulse.title', 'firing', 'warning')).toBe('[FIRING:1] PulseServerLost (payments)');
      expect(await render('pulse.slack.color', 'firing', 'critical')).toBe('danger');
      expect(await render('pulse.slack.color', 'firing', 'warning')).toBe('warning');
      expect(await render('pulse.slack.color', 'resolved', 'critical')).toBe('good');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
