import { getHeapStatistics } from 'node:v8';
import {
  nodejsEventLoopDelayMax,
  nodejsEventLoopDelayP50,
  nodejsEventLoopDelayP90,
  nodejsEventLoopDelayP99,
  nodejsEventLoopUtilization,
  pulseRuntimeGrowthRatio,
  pulseRuntimeLeakSuspected,
} from '../catalog/runtime';
import type { GaugeSeries } from '../metrics/gauge';
import type { MetricRegistry } from '../metrics/registry';
import { EventLoopSampler } from './event-loop';
import { GrowthDetector } from './growth-detector';
import type { ResolvedRuntimeOptions } from './options';

interface LeakWatch {
  detector: GrowthDetector;
  suspected: GaugeSeries;
  growth: GaugeSeries;
  read: () => number;
}

/**
 * One `sample()` reads the runtime and fills the gauges: event-loop utilisation and delay over the
 * window since the previous sample, and the leak heuristic's heap and handle readings. A few
 * microseconds (bench/runtime-cost); called from a background timer, never from a scrape or a
 * request (except once, if a scrape comes before the first tick).
 */
export class RuntimeSampler {
  private readonly loop: EventLoopSampler;
  private readonly utilization: GaugeSeries;
  private readonly delay: GaugeSeries[];
  private readonly leaks: LeakWatch[] = [];
  sampled = false;

  constructor(metrics: MetricRegistry, options: ResolvedRuntimeOptions) {
    this.loop = new EventLoopSampler(options.eventLoopResolutionMs);
    this.utilization = metrics
      .gauge(nodejsEventLoopUtilization, () => {
        if (!this.sampled) this.sample();
      })
      .seriesFor([]);
    this.delay = [
      nodejsEventLoopDelayP50,
      nodejsEventLoopDelayP90,
      nodejsEventLoopDelayP99,
      nodejsEventLoopDelayMax,
    ].map((def) => metrics.gauge(def).seriesFor([]));
    if (options.leak !== false) {
      const { windowMs, slices, minHeapGrowth, minHandleGrowth, minHandleIncrease } = options.leak;
      const sliceMs = windowMs / slices;
      const suspected = metrics.gauge(pulseRuntimeLeakSuspected);
      const growth = metrics.gauge(pulseRuntimeGrowthRatio);
      const watch = (resource: string, detector: GrowthDetector, read: () => number): void => {
        const watched = {
          detector,
          suspected: suspected.seriesFor([resource]),
          growth: growth.seriesFor([resource]),
          read,
        };
        watched.suspected.set(0);
        watched.growth.set(0);
        this.leaks.push(watched);
      };
      watch('heap', new GrowthDetector(slices, sliceMs, minHeapGrowth), () => getHeapStatistics().used_heap_size);
      watch(
        'handles',
        new GrowthDetector(slices, sliceMs, minHandleGrowth, minHandleIncrease),
        () => process.getActiveResourcesInfo().length,
      );
    }
  }

  sample(): void {
    this.sampled = true;
    const window = this.loop.sample();
    this.utilization.set(window.utilization);
    if (window.delay !== undefined) {
      const [p50, p90, p99, max] = this.delay as [GaugeSeries, GaugeSeries, GaugeSeries, GaugeSeries];
      p50.set(window.delay.p50);
      p90.set(window.delay.p90);
      p99.set(window.delay.p99);
      max.set(window.delay.max);
    }
    const now = performance.now();
    for (const leak of this.leaks) {
      leak.detector.add(leak.read(), now);
      leak.suspected.set(leak.detector.suspected ? 1 : 0);
      leak.growth.set(leak.detector.growth);
    }
  }

  stop(): void {
    this.loop.stop();
  }
}
