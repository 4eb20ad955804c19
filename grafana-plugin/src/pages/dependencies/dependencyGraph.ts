// The dependency node graph: Prometheus instant results (per dependency rate, error ratio, p95,
// and the service's own request rate) turned into the two frames Grafana's nodeGraph panel reads.
// Pure (frames in, frames out), so it is unit-tested without Grafana.
import { FieldType, type DataFrame, type DataTransformContext, type Field } from '@grafana/data';
import { instantRows } from '../../scenes/instantRows';
import type { CustomTransformOperator } from '@grafana/scenes';
import { map } from 'rxjs';
import { DEP_LABELS, GRAPH_REFS } from '../../queries/dependencies';
import { ref, VAR } from '../../queries/variables';

interface DependencyStats {
  name: string;
  type: string;
  rate: number;
  errorRatio: number;
  p95: number;
}

/** Node ids: the service and its dependencies may share a name (demo calls a dependency named "payments"). */
export const serviceNodeId = (service: string) => `service:${service}`;
export const dependencyNodeId = (dependency: string) => `dependency:${dependency}`;

/** Per-dependency statistics from the graph queries' frames (by refId); dependencies with no calls are left out. */
export function dependencyStats(frames: DataFrame[]): DependencyStats[] {
  const byRef = (refId: string) => frames.filter((f) => f.refId === refId).flatMap(instantRows);
  const stats = new Map<string, DependencyStats>();
  const entry = (labels: Record<string, string>) => {
    const name = labels[DEP_LABELS.dependency];
    if (name === undefined || name === '') {
      return undefined;
    }
    let s = stats.get(name);
    if (!s) {
      s = { name, type: labels[DEP_LABELS.type] ?? '', rate: 0, errorRatio: NaN, p95: NaN };
      stats.set(name, s);
    }
    return s;
  };
  // A dependency called through several types (http and custom) is one node: rates add up,
  // ratios and latencies keep the worst.
  for (const row of byRef(GRAPH_REFS.rate)) {
    const s = entry(row.labels);
    if (s && Number.isFinite(row.value)) {
      s.rate += row.value;
    }
  }
  for (const row of byRef(GRAPH_REFS.errors)) {
    const s = entry(row.labels);
    if (s && Number.isFinite(row.value)) {
      s.errorRatio = Number.isNaN(s.errorRatio) ? row.value : Math.max(s.errorRatio, row.value);
    }
  }
  for (const row of byRef(GRAPH_REFS.p95)) {
    const s = entry(row.labels);
    if (s && Number.isFinite(row.value)) {
      s.p95 = Number.isNaN(s.p95) ? row.value : Math.max(s.p95, row.value);
    }
  }
  return [...stats.values()].filter((s) => s.rate > 0).sort((a, b) => a.name.localeCompare(b.name));
}

function field(name: string, type: FieldType, values: unknown[], config: Field['config'] = {}): Field {
  return { name, type, values, config };
}

/**
 * The nodeGraph frames: `nodes` (the service, then one node per dependency, with calls/s, p95 and
 * a success/error arc) and `edges` (service → dependency with calls/s and error ratio).
 */
export function dependencyGraphFrames(frames: DataFrame[], service: string): DataFrame[] {
  const deps = dependencyStats(frames);
  const serviceRate = frames
    .filter((f) => f.refId === GRAPH_REFS.service)
    .flatMap(instantRows)
    .filter((r) => Number.isFinite(r.value))
    .reduce((sum, r) => sum + r.value, 0);
  const errorOf = (d: DependencyStats) => (Number.isNaN(d.errorRatio) ? 0 : d.errorRatio);

  const nodeIds = [serviceNodeId(service), ...deps.map((d) => dependencyNodeId(d.name))];
  const nodes: DataFrame = {
    name: 'nodes',
    refId: 'nodes',
    meta: { preferredVisualisationType: 'nodeGraph' },
    length: nodeIds.length,
    fields: [
      field('id', FieldType.string, nodeIds),
      field('title', FieldType.string, [service, ...deps.map((d) => d.name)]),
      field('subtitle', FieldType.string, ['service', ...deps.map((d) => d.type)]),
      field('mainstat', FieldType.number, [serviceRate, ...deps.map((d) => d.rate)], {
        displayName: 'Calls/s',
        unit: 'reqps',
      }),
      field('secondarystat', FieldType.number, [NaN, ...deps.map((d) => d.p95)], { displayName: 'p95', unit: 's' }),
      // Arcs must add up to 1 per node; the service's own arc is left empty (its errors are on the other pages).
      field('arc__success', FieldType.number, [0, ...deps.map((d) => 1 - errorOf(d))], {
        displayName: 'Succeeded',
        color: { mode: 'fixed', fixedColor: 'green' },
      }),
      field('arc__errors', FieldType.number, [0, ...deps.map(errorOf)], {
        displayName: 'Failed',
        color: { mode: 'fixed', fixedColor: 'red' },
      }),
    ],
  };
  const edges: DataFrame = {
    name: 'edges',
    refId: 'edges',
    meta: { preferredVisualisationType: 'nodeGraph' },
    length: deps.length,
    fields: [
      field(
        'id',
        FieldType.string,
        deps.map((d) => `${serviceNodeId(service)}->${dependencyNodeId(d.name)}`)
      ),
      field(
        'source',
        FieldType.string,
        deps.map(() => serviceNodeId(service))
      ),
      field(
        'target',
        FieldType.string,
        deps.map((d) => dependencyNodeId(d.name))
      ),
      field(
        'mainstat',
        FieldType.number,
        deps.map((d) => d.rate),
        { displayName: 'Calls/s', unit: 'reqps' }
      ),
      field('secondarystat', FieldType.number, deps.map(errorOf), { displayName: 'Error ratio', unit: 'percentunit' }),
    ],
  };
  return [nodes, edges];
}

/** The scenes transformation: the selected service (`$job`) at the centre, its dependencies around it. */
export const dependencyGraphTransform: CustomTransformOperator = (context: DataTransformContext) => (source) =>
  source.pipe(map((frames) => dependencyGraphFrames(frames, context.interpolate?.(ref(VAR.service)) ?? 'service')));
