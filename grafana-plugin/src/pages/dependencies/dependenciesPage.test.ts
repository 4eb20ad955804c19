import { SceneDataTransformer, sceneGraph, VizPanel } from '@grafana/scenes';
import { GRAPH_REFS } from '../../queries/dependencies';
import { buildAllPages, queriesOf } from '../../testing/appQueries';
import { dependencyGraphTransform } from './dependencyGraph';

const page = buildAllPages().find((p) => p.name === 'dependencies')!;
const queries = queriesOf(page);

describe('Dependencies page', () => {
  it('feeds a nodeGraph panel with the graph queries through the frame transformation', () => {
    const graph = sceneGraph.findAllObjects(
      page.scene,
      (o) => o instanceof VizPanel && o.state.pluginId === 'nodeGraph'
    ) as VizPanel[];
    expect(graph).toHaveLength(1);
    const data = graph[0]!.state.$data as SceneDataTransformer;
    expect(data).toBeInstanceOf(SceneDataTransformer);
    expect(data.state.transformations).toEqual([dependencyGraphTransform]);
    expect(queries.filter((q) => q.panel === 'Service map').map((q) => q.refId)).toEqual(Object.values(GRAPH_REFS));
  });

  it('the table has rate, error ratio, availability and p50/p95/p99 per dependency', () => {
    const table = queries.filter((q) => q.panel === 'Dependencies');
    expect(table.map((q) => q.refId)).toEqual(['rate', 'errors', 'availability', 'p50', 'p95', 'p99']);
    for (const q of table) {
      expect(q.instant).toBe(true);
      expect(q.expr).toMatch(/by \((le, )?dependency, dependency_type\)/);
    }
    expect(table.find((q) => q.refId === 'availability')!.expr).toMatch(/^1 - \(/);
  });
});
