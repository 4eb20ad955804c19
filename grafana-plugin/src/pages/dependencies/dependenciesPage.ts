import { PanelBuilders, SceneDataTransformer, SceneFlexItem } from '@grafana/scenes';
import {
  DEPENDENCIES_TABLE_COLUMNS as COL,
  dependenciesProbe,
  dependenciesQueries as q,
} from '../../queries/dependencies';
import { definePage } from '../../scenes/page';
import { column, row, tablePanel, timeseriesPanel } from '../../scenes/panels';
import { promRunner } from '../../scenes/runners';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { dependencyGraphTransform } from './dependencyGraph';

const NO_DEPS = 'No dependency calls recorded in this range (outgoing HTTP calls are measured by the `deps` signal).';

export const dependenciesPage = definePage({
  id: 'dependencies',
  title: 'Dependencies',
  subTitle: 'What the service calls, how often, how slowly, and how often it fails.',
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(dependenciesProbe) }),
      row(
        380,
        PanelBuilders.nodegraph()
          .setTitle('Service map')
          .setDescription(
            'The selected service and the dependencies it called over the selected range: calls/s and p95 on each node, the arc is the share of failed calls, edges carry calls/s and error ratio.'
          )
          .setData(
            new SceneDataTransformer({ $data: promRunner(q.graph()), transformations: [dependencyGraphTransform] })
          )
          .setNoValue(NO_DEPS)
          .build(),
        tablePanel('Dependencies', q.table(), {
          description: 'Every dependency over the selected range. Availability = share of calls without an error.',
          columns: [
            { refId: 'rate', name: COL.rate!, unit: 'reqps' },
            {
              refId: 'errors',
              name: COL.errors!,
              unit: 'percentunit',
              steps: [
                [0.01, 'orange'],
                [0.05, 'red'],
              ],
            },
            {
              refId: 'availability',
              name: COL.availability!,
              unit: 'percentunit',
              steps: [
                [-1e12, 'red'],
                [0.99, 'orange'],
                [0.999, 'green'],
              ],
            },
            { refId: 'p50', name: COL.p50!, unit: 's' },
            {
              refId: 'p95',
              name: COL.p95!,
              unit: 's',
              steps: [
                [0.5, 'orange'],
                [1, 'red'],
              ],
            },
            {
              refId: 'p99',
              name: COL.p99!,
              unit: 's',
              steps: [
                [1, 'orange'],
                [2.5, 'red'],
              ],
            },
          ],
          sortBy: { column: COL.rate!, desc: true },
          noValue: NO_DEPS,
        })
      ),
      row(
        260,
        timeseriesPanel('Calls by dependency', [q.rate()], { unit: 'reqps', noValue: NO_DEPS }),
        timeseriesPanel('Error ratio by dependency', [q.errorRatio()], { unit: 'percentunit', noValue: NO_DEPS }),
        timeseriesPanel('Latency p95 by dependency', [q.latencyP95()], { unit: 's', noValue: NO_DEPS })
      ),
      row(
        260,
        timeseriesPanel('Failures by dependency and error type', [q.errorsByType()], {
          unit: 'reqps',
          stack: true,
          noValue: 'No failed dependency call in this range.',
        }),
        timeseriesPanel('Outgoing HTTP by server and status', [q.httpByServer()], {
          unit: 'reqps',
          stack: true,
          noValue: 'No outgoing HTTP call in this range.',
        })
      )
    ),
});
