// The service map: every service of the environment and everything they call, from each service's
// outgoing-call metrics. A called dependency is a service when its name (or its host, or the host
// its HTTP calls went to) is that service's `job`; anything else is an external node. Edges go
// caller → callee, so following them gives every hop (A → B → C → an external API), and a
// service's inbound calls are the edges that end at it. Pure: frames in, frames out.
import { FieldType, type DataFrame, type Field } from '@grafana/data';
import type { CustomTransformOperator } from '@grafana/scenes';
import { map } from 'rxjs';
import { DEP_LABELS } from '../../queries/dependencies';
import { LABELS } from '../../queries/labels';
import { APP_BASE_URL } from '../../queries/links';
import { MAP_REFS } from '../../queries/services';
import { VAR } from '../../queries/variables';
import { rowsOf } from '../../scenes/instantRows';
import { dependencyNodeId, serviceNodeId } from '../dependencies/dependencyGraph';

export interface MapNode {
  id: string;
  title: string;
  kind: 'service' | 'external';
  /** Requests/s a service answers; calls/s an external node receives. */
  rate: number;
  errorRatio: number;
  p95: number;
  /** What the node opens: a service's Overview, or an external node's first caller's Dependencies page. */
  open: { page: 'overview' | 'dependencies'; service: string };
}

export interface MapEdge {
  id: string;
  source: string;
  target: string;
  rate: number;
  errorRatio: number;
}

interface Call {
  caller: string;
  dependency: string;
  rate: number;
  errorRatio: number;
  p95: number;
  hosts: Set<string>;
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/** `payments:4000` → `payments` (dependencies are named `host` or `host:port` unless the app names them). */
function hostOf(dependency: string): string {
  const i = dependency.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(dependency.slice(i + 1)) ? dependency.slice(0, i) : dependency;
}

/** The map's nodes and edges from the service map queries' frames (by refId). */
export function serviceMapModel(frames: DataFrame[]): { nodes: MapNode[]; edges: MapEdge[] } {
  const serviceStat = (refId: string) => {
    const out = new Map<string, number>();
    for (const r of rowsOf(frames, refId)) {
      const job = r.labels[LABELS.job];
      if (job) {
        out.set(job, r.value);
      }
    }
    return out;
  };
  const rate = serviceStat(MAP_REFS.rate);
  const errors = serviceStat(MAP_REFS.errors);
  const p95 = serviceStat(MAP_REFS.p95);

  const calls = new Map<string, Call>();
  const call = (labels: Record<string, string>): Call | undefined => {
    const caller = labels[LABELS.job];
    const dependency = labels[DEP_LABELS.dependency];
    if (!caller || !dependency) {
      return undefined;
    }
    const key = `${caller}\u0000${dependency}`;
    let c = calls.get(key);
    if (!c) {
      c = { caller, dependency, rate: 0, errorRatio: NaN, p95: NaN, hosts: new Set() };
      calls.set(key, c);
    }
    return c;
  };
  // A dependency called as several types (http and custom) is one call: rates add up.
  for (const r of rowsOf(frames, MAP_REFS.depRate)) {
    const c = call(r.labels);
    if (c && finite(r.value)) {
      c.rate += r.value;
    }
  }
  for (const r of rowsOf(frames, MAP_REFS.depErrors)) {
    const c = call(r.labels);
    if (c && finite(r.value)) {
      c.errorRatio = Number.isNaN(c.errorRatio) ? r.value : Math.max(c.errorRatio, r.value);
    }
  }
  for (const r of rowsOf(frames, MAP_REFS.depP95)) {
    const c = call(r.labels);
    if (c && finite(r.value)) {
      c.p95 = Number.isNaN(c.p95) ? r.value : Math.max(c.p95, r.value);
    }
  }
  for (const r of rowsOf(frames, MAP_REFS.hosts)) {
    const host = r.labels[DEP_LABELS.server];
    const c = call(r.labels);
    if (c && host) {
      c.hosts.add(host.toLowerCase());
    }
  }
  const active = [...calls.values()].filter((c) => c.rate > 0);

  // Services: every job with server metrics, and every job that calls out (a worker serves no HTTP).
  const services = new Set<string>([...rate.keys(), ...errors.keys(), ...p95.keys(), ...active.map((c) => c.caller)]);
  const resolve = (c: Call): string | undefined => {
    const candidates = [c.dependency, hostOf(c.dependency), ...c.hosts];
    return candidates.find((name) => services.has(name));
  };

  const nodes = new Map<string, MapNode>();
  for (const name of [...services].sort()) {
    nodes.set(serviceNodeId(name), {
      id: serviceNodeId(name),
      title: name,
      kind: 'service',
      rate: rate.get(name) ?? NaN,
      errorRatio: errors.get(name) ?? NaN,
      p95: p95.get(name) ?? NaN,
      open: { page: 'overview', service: name },
    });
  }
  // External nodes: calls/s add up over callers, the error ratio is weighted by calls, p95 keeps the worst.
  const failedRate = new Map<string, number>();
  const edges: MapEdge[] = [];
  for (const c of active.sort((a, b) => a.caller.localeCompare(b.caller) || a.dependency.localeCompare(b.dependency))) {
    const target = resolve(c);
    const source = serviceNodeId(c.caller);
    const targetId = target !== undefined ? serviceNodeId(target) : dependencyNodeId(c.dependency);
    if (targetId === source) {
      continue;
    }
    if (target === undefined) {
      let n = nodes.get(targetId);
      if (!n) {
        n = {
          id: targetId,
          title: c.dependency,
          kind: 'external',
          rate: 0,
          errorRatio: NaN,
          p95: NaN,
          open: { page: 'dependencies', service: c.caller },
        };
        nodes.set(targetId, n);
      }
      n.rate += c.rate;
      if (finite(c.errorRatio)) {
        failedRate.set(targetId, (failedRate.get(targetId) ?? 0) + c.errorRatio * c.rate);
        n.errorRatio = failedRate.get(targetId)! / n.rate;
      }
      if (finite(c.p95)) {
        n.p95 = Number.isNaN(n.p95) ? c.p95 : Math.max(n.p95, c.p95);
      }
    }
    const existing = edges.find((e) => e.source === source && e.target === targetId);
    if (existing) {
      // Two dependency names of one caller resolving to the same service: one edge.
      const failed = existing.errorRatio * existing.rate + (finite(c.errorRatio) ? c.errorRatio * c.rate : 0);
      existing.rate += c.rate;
      existing.errorRatio = failed / existing.rate;
      continue;
    }
    edges.push({
      id: `${source}->${targetId}`,
      source,
      target: targetId,
      rate: c.rate,
      errorRatio: finite(c.errorRatio) ? c.errorRatio : 0,
    });
  }
  return { nodes: [...nodes.values()], edges };
}

function field(name: string, type: FieldType, values: unknown[], config: Field['config'] = {}): Field {
  return { name, type, values, config };
}

/** Link on every node: the service's Overview (an external node: its caller's Dependencies), keeping range and environment. */
export function nodeDataLink(): { title: string; url: string } {
  const keep = ['${__url_time_range}', ...[VAR.env, VAR.prometheus, VAR.loki].map((v) => `\${${v}:queryparam}`)];
  return {
    title: 'Open in Pulse',
    url: `${APP_BASE_URL}/\${__data.fields.detail__open}?var-${VAR.service}=\${__data.fields.detail__service}&${keep.join('&')}`,
  };
}

/**
 * The frames Grafana's nodeGraph panel reads: `nodes` (calls/s, p95, a success/failure arc and
 * the page it opens) and `edges` (calls/s and error ratio of each caller → callee).
 */
export function serviceMapFrames(frames: DataFrame[]): DataFrame[] {
  const { nodes, edges } = serviceMapModel(frames);
  // Arcs add up to 1 per node; a node without traffic (or without a known error ratio) has none.
  const arc = (n: MapNode, failed: boolean) =>
    Number.isFinite(n.errorRatio) ? (failed ? n.errorRatio : 1 - n.errorRatio) : 0;
  const nodeFrame: DataFrame = {
    name: 'nodes',
    refId: 'nodes',
    meta: { preferredVisualisationType: 'nodeGraph' },
    length: nodes.length,
    fields: [
      field(
        'id',
        FieldType.string,
        nodes.map((n) => n.id),
        { links: [nodeDataLink()] }
      ),
      field(
        'title',
        FieldType.string,
        nodes.map((n) => n.title)
      ),
      field(
        'subtitle',
        FieldType.string,
        nodes.map((n) => n.kind)
      ),
      field(
        'mainstat',
        FieldType.number,
        nodes.map((n) => n.rate),
        { displayName: 'Requests/s', unit: 'reqps' }
      ),
      field(
        'secondarystat',
        FieldType.number,
        nodes.map((n) => n.p95),
        { displayName: 'p95', unit: 's' }
      ),
      field(
        'arc__success',
        FieldType.number,
        nodes.map((n) => arc(n, false)),
        { displayName: 'Succeeded', color: { mode: 'fixed', fixedColor: 'green' } }
      ),
      field(
        'arc__errors',
        FieldType.number,
        nodes.map((n) => arc(n, true)),
        { displayName: 'Failed', color: { mode: 'fixed', fixedColor: 'red' } }
      ),
      field(
        'detail__error_ratio',
        FieldType.number,
        nodes.map((n) => n.errorRatio),
        { displayName: 'Error ratio', unit: 'percentunit' }
      ),
      field(
        'detail__open',
        FieldType.string,
        nodes.map((n) => n.open.page),
        { displayName: 'Opens' }
      ),
      field(
        'detail__service',
        FieldType.string,
        nodes.map((n) => n.open.service),
        { displayName: 'Service' }
      ),
    ],
  };
  const edgeFrame: DataFrame = {
    name: 'edges',
    refId: 'edges',
    meta: { preferredVisualisationType: 'nodeGraph' },
    length: edges.length,
    fields: [
      field(
        'id',
        FieldType.string,
        edges.map((e) => e.id)
      ),
      field(
        'source',
        FieldType.string,
        edges.map((e) => e.source)
      ),
      field(
        'target',
        FieldType.string,
        edges.map((e) => e.target)
      ),
      field(
        'mainstat',
        FieldType.number,
        edges.map((e) => e.rate),
        { displayName: 'Calls/s', unit: 'reqps' }
      ),
      field(
        'secondarystat',
        FieldType.number,
        edges.map((e) => e.errorRatio),
        { displayName: 'Error ratio', unit: 'percentunit' }
      ),
    ],
  };
  return [nodeFrame, edgeFrame];
}

/** The scenes transformation of the service map panel. */
export const serviceMapTransform: CustomTransformOperator = () => (source) => source.pipe(map(serviceMapFrames));
