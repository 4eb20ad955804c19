import { SceneFlexItem } from '@grafana/scenes';
import { runtimeProbes, runtimeQueries as q } from '../../queries/runtime';
import { definePage } from '../../scenes/page';
import { column, row, tablePanel, timeseriesPanel } from '../../scenes/panels';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { lifecycleLayers } from '../../scenes/lifecycleAnnotations';

const NO_DEFAULTS = 'No prom-client default metrics: remove `metrics: { defaultMetrics: false }` from createPulse.';

export const runtimePage = definePage({
  id: 'runtime',
  title: 'Runtime',
  subTitle: 'Per instance: is the process starved (event loop), leaking (heap, handles) or pausing (GC)?',
  dataLayers: lifecycleLayers,
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(runtimeProbes.runtime) }),
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(runtimeProbes.defaults) }),
      row(
        160,
        tablePanel('Instances', [q.info()], {
          description:
            'The service version (service_version, when known), Node.js and Pulse versions per instance, one row per worker of a clustered instance (pulse_runtime_info).',
          columns: [],
          hide: ['__name__', 'Value'],
        }),
        tablePanel('Leak suspected', [q.leaks()[0]!], {
          columns: [
            {
              refId: 'suspected',
              name: 'Suspected',
              steps: [[1, 'red']],
            },
          ],
          hide: ['__name__'],
          description: '1 while the post-GC heap floor or the handle count grew in every slice of the leak window.',
        })
      ),
      row(
        280,
        timeseriesPanel('Event loop delay', q.eventLoopDelay(), { unit: 's' }),
        timeseriesPanel('Event loop utilization', [q.eventLoopUtilization()], { unit: 'percentunit' }),
        timeseriesPanel('CPU (cores)', [q.cpu()], { unit: 'short', noValue: NO_DEFAULTS })
      ),
      row(
        280,
        timeseriesPanel('Heap', q.heap(), { unit: 'bytes', noValue: NO_DEFAULTS }),
        timeseriesPanel('Heap used / limit', [q.heapUsedRatio()], { unit: 'percentunit', noValue: NO_DEFAULTS }),
        timeseriesPanel('Heap spaces (used)', [q.heapSpaces()], { unit: 'bytes', stack: true, noValue: NO_DEFAULTS })
      ),
      row(
        280,
        timeseriesPanel('Memory', q.memory(), { unit: 'bytes', noValue: NO_DEFAULTS }),
        timeseriesPanel('Leak window growth', [q.leaks()[1]!], {
          unit: 'percentunit',
          description: 'Growth of the heap floor / handle count over the leak window (0 until the window is full).',
        }),
        timeseriesPanel('GC time share', [q.gcTime()], { unit: 'percentunit', stack: true })
      ),
      row(
        280,
        timeseriesPanel('GC pauses/s', q.gcPauses(), { unit: 'short' }),
        timeseriesPanel('GC pause p99', [q.gcPauseP99()], { unit: 's' }),
        timeseriesPanel('Handles and resources', q.handles(), { unit: 'short', noValue: NO_DEFAULTS })
      ),
      row(
        280,
        timeseriesPanel('Handles by type', [q.handlesByType()], { unit: 'short', stack: true, noValue: NO_DEFAULTS }),
        timeseriesPanel('File descriptors', q.fileDescriptors(), { unit: 'short', noValue: NO_DEFAULTS })
      )
    ),
});
