import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { lastValueFrom, of } from 'rxjs';
import { MAP_REFS } from '../../queries/services';
import { dependencyNodeId, serviceNodeId } from '../dependencies/dependencyGraph';
import { nodeDataLink, serviceMapFrames, serviceMapModel, serviceMapTransform } from './serviceMap';

/** An instant query in table format, as the Prometheus data source returns it. */
function table(refId: string, rows: Array<[Record<string, string>, number]>): DataFrame {
  const labelNames = [...new Set(rows.flatMap(([l]) => Object.keys(l)))];
  return createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: rows.map(() => 1_700_000_000_000) },
      ...labelNames.map((n) => ({ name: n, type: FieldType.string, values: rows.map(([l]) => l[n] ?? '') })),
      { name: `Value #${refId}`, type: FieldType.number, values: rows.map(([, v]) => v) },
    ],
  });
}

const call = (job: string, dependency: string, extra: Record<string, string> = {}) => ({ job, dependency, ...extra });

// gateway → orders (named after the service) → billing (unnamed: "billing:4000", host billing)
// billing → api.stripe.com (external); orders → "db-proxy" whose HTTP calls went to host "ledger" (a service).
const frames = [
  table(MAP_REFS.rate, [
    [{ job: 'gateway' }, 10],
    [{ job: 'orders' }, 6],
    [{ job: 'billing' }, 2],
    [{ job: 'ledger' }, 1],
  ]),
  table(MAP_REFS.errors, [
    [{ job: 'gateway' }, 0],
    [{ job: 'orders' }, 0.1],
    [{ job: 'billing' }, 0],
    [{ job: 'ledger' }, 0],
  ]),
  table(MAP_REFS.p95, [
    [{ job: 'gateway' }, 0.2],
    [{ job: 'orders' }, 0.15],
  ]),
  table(MAP_REFS.depRate, [
    [call('gateway', 'orders', { dependency_type: 'http' }), 6],
    [call('orders', 'billing:4000', { dependency_type: 'http' }), 2],
    [call('billing', 'api.stripe.com', { dependency_type: 'http' }), 1.5],
    [call('orders', 'db-proxy', { dependency_type: 'http' }), 1],
    [call('orders', 'idle-thing', { dependency_type: 'custom' }), 0],
  ]),
  table(MAP_REFS.depErrors, [
    [call('gateway', 'orders'), 0.1],
    [call('orders', 'billing:4000'), 0],
    [call('billing', 'api.stripe.com'), 0.2],
    [call('orders', 'db-proxy'), 0],
  ]),
  table(MAP_REFS.depP95, [
    [call('gateway', 'orders'), 0.3],
    [call('billing', 'api.stripe.com'), 0.9],
  ]),
  table(MAP_REFS.hosts, [
    [call('orders', 'billing:4000', { server_address: 'billing' }), 2],
    [call('orders', 'db-proxy', { server_address: 'Ledger' }), 1],
    [call('billing', 'api.stripe.com', { server_address: 'api.stripe.com' }), 1.5],
  ]),
];

const valuesOf = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;
const S = serviceNodeId;

describe('serviceMapModel', () => {
  const { nodes, edges } = serviceMapModel(frames);
  const edge = (from: string, to: string) => edges.find((e) => e.source === from && e.target === to);

  it('has every service and each external host once', () => {
    expect(nodes.map((n) => [n.title, n.kind])).toEqual([
      ['billing', 'service'],
      ['gateway', 'service'],
      ['ledger', 'service'],
      ['orders', 'service'],
      ['api.stripe.com', 'external'],
    ]);
  });

  it('follows more than one hop: gateway → orders → billing → an external API', () => {
    expect(edge(S('gateway'), S('orders'))).toMatchObject({ rate: 6, errorRatio: 0.1 });
    expect(edge(S('orders'), S('billing'))).toMatchObject({ rate: 2, errorRatio: 0 });
    expect(edge(S('billing'), dependencyNodeId('api.stripe.com'))).toMatchObject({ rate: 1.5, errorRatio: 0.2 });
  });

  it('a service\u2019s inbound calls are the edges ending at it (orders is called by gateway, billing by orders)', () => {
    const inbound = (id: string) => edges.filter((e) => e.target === id).map((e) => e.source);
    expect(inbound(S('orders'))).toEqual([S('gateway')]);
    expect(inbound(S('billing'))).toEqual([S('orders')]);
    expect(inbound(S('gateway'))).toEqual([]);
  });

  it('resolves a dependency to a service by its name, its host:port, or the host its HTTP calls went to', () => {
    // "billing:4000" → billing; "db-proxy" went to host Ledger → ledger (case-insensitive).
    expect(edge(S('orders'), S('ledger'))).toMatchObject({ rate: 1 });
    expect(nodes.some((n) => n.title === 'db-proxy' || n.title === 'billing:4000')).toBe(false);
  });

  it('idle dependencies drop out; a healthy service reads 0 % errors, not blank', () => {
    expect(nodes.some((n) => n.title === 'idle-thing')).toBe(false);
    expect(nodes.find((n) => n.title === 'billing')!.errorRatio).toBe(0);
  });

  it('an external node adds its callers\u2019 calls and weighs their error ratios by calls', () => {
    const both = serviceMapModel([
      table(MAP_REFS.depRate, [
        [call('a', 'api.example.com'), 3],
        [call('b', 'api.example.com'), 1],
      ]),
      table(MAP_REFS.depErrors, [
        [call('a', 'api.example.com'), 0],
        [call('b', 'api.example.com'), 1],
      ]),
    ]);
    const ext = both.nodes.find((n) => n.kind === 'external')!;
    expect(ext.rate).toBe(4);
    expect(ext.errorRatio).toBeCloseTo(0.25);
    // Its link opens the first caller's Dependencies page; a service opens its own Overview.
    expect(ext.open).toEqual({ page: 'dependencies', service: 'a' });
    expect(both.nodes.find((n) => n.title === 'a')!.open).toEqual({ page: 'overview', service: 'a' });
  });

  it('a service calling itself draws no loop', () => {
    const self = serviceMapModel([
      table(MAP_REFS.rate, [[{ job: 'a' }, 1]]),
      table(MAP_REFS.depRate, [[call('a', 'a'), 1]]),
    ]);
    expect(self.edges).toEqual([]);
  });
});

describe('serviceMapFrames', () => {
  const [nodes, edges] = serviceMapFrames(frames);

  it('makes the nodes and edges frames the nodeGraph panel reads', () => {
    expect(nodes!.name).toBe('nodes');
    expect(edges!.name).toBe('edges');
    expect(nodes!.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['id', 'title', 'subtitle', 'mainstat', 'secondarystat', 'arc__success', 'arc__errors'])
    );
    expect(edges!.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['id', 'source', 'target', 'mainstat', 'secondarystat'])
    );
    expect(valuesOf(edges!, 'source').length).toBe(4);
  });

  it('arcs add up to 1 for every node with a known error ratio', () => {
    const ok = valuesOf(nodes!, 'arc__success');
    const bad = valuesOf(nodes!, 'arc__errors');
    valuesOf(nodes!, 'title').forEach((_t, i) => expect(ok[i] + bad[i]).toBeCloseTo(1));
    expect(bad[valuesOf(nodes!, 'title').indexOf('orders')]).toBeCloseTo(0.1);
  });

  it('every node links into the app: its Overview (or its caller\u2019s Dependencies), keeping range and environment', () => {
    const id = nodes!.fields.find((f) => f.name === 'id')!;
    expect(id.config.links).toEqual([nodeDataLink()]);
    expect(nodeDataLink().url).toBe(
      '/a/pulseapm-pulse-app/${__data.fields.detail__open}?var-job=${__data.fields.detail__service}&${__url_time_range}&${env:queryparam}&${prom:queryparam}&${loki:queryparam}'
    );
    const titles = valuesOf(nodes!, 'title');
    expect(valuesOf(nodes!, 'detail__open')[titles.indexOf('orders')]).toBe('overview');
    expect(valuesOf(nodes!, 'detail__service')[titles.indexOf('orders')]).toBe('orders');
    expect(valuesOf(nodes!, 'detail__open')[titles.indexOf('api.stripe.com')]).toBe('dependencies');
    expect(valuesOf(nodes!, 'detail__service')[titles.indexOf('api.stripe.com')]).toBe('billing');
  });

  it('the scenes transformation emits the two frames', async () => {
    const out = await lastValueFrom(of(frames).pipe(serviceMapTransform({ interpolate: (s: string) => s })));
    expect(out.map((f) => f.name)).toEqual(['nodes', 'edges']);
  });
});
