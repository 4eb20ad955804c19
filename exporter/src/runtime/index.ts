import { getHeapStatistics } from 'node:v8';
import { nodejsHeapSizeLimit, pulseRuntimeInfo } from '../catalog/runtime';
import type { PulseCore } from '../core';
import { serviceInstanceId } from '../logs/lifecycle';
import { observeGcPauses } from './gc';
import { RuntimeSampler } from './sampler';
import { PULSE_VERSION } from './version';

/** What the runtime signal adds to the Pulse object. */
export interface RuntimeApi {}

/**
 * Runtime metrics beyond prom-client's defaults. A background timer (unref'd: it never keeps the
 * process alive) samples the event loop, heap and handles every `sampleIntervalMs`; a scrape only
 * reads the gauges it filled. GC pauses arrive from a PerformanceObserver, off the request path.
 */
export function createRuntimeSignal(core: PulseCore): { api: RuntimeApi } {
  const options = core.options.runtime;
  if (!options.enabled) return { api: {} };
  const { metrics } = core;

  // service_instance_id joins Prometheus's `instance` (the scrape address) to the process id on Loki events.
  // An unknown version is an empty value, which Prometheus stores as no label at all.
  const { serviceName, env, serviceVersion } = core.options;
  const info = [process.versions.node, PULSE_VERSION, serviceName, env, serviceInstanceId(), serviceVersion ?? ''];
  metrics.gauge(pulseRuntimeInfo).set(info, 1);
  metrics.gauge(nodejsHeapSizeLimit).set([], getHeapStatistics().heap_size_limit);

  const sampler = new RuntimeSampler(metrics, options);
  const timer = setInterval(() => {
    try {
      sampler.sample();
    } catch (err) {
      core.internalError('runtime', err);
    }
  }, options.sampleIntervalMs);
  timer.unref();
  const stopGc = observeGcPauses(metrics, (err) => core.internalError('runtime', err));

  core.onShutdown(() => {
    clearInterval(timer);
    sampler.stop();
    stopGc();
  });
  return { api: {} };
}
