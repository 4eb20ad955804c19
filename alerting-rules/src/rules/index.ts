import type { AlertConfig } from '../config';
import { dashboardUrl, recordingWithAggregationLabels, serviceLabels, withAggregationLabels } from '../labels';
import type { AppPage } from '../../../provisioning/src/names';
import type { RuleSet } from '../types';
import { availabilityRules } from './availability';
import { dependencyRules } from './dependencies';
import { httpRecordingRules, httpRules } from './http';
import { logRules } from './logs';
import { metaRules } from './meta';
import { probeRecordingRules, probeRules } from './probes';
import { runtimeRules } from './runtime';

export { SERVICE_LABEL } from '../labels';

/** The app page a notification links to, by rule group (a rule's own `link` wins). */
const GROUP_PAGES: Record<string, AppPage> = {
  'pulse-availability': 'overview',
  'pulse-http': 'routes',
  'pulse-runtime': 'runtime',
  'pulse-dependencies': 'dependencies',
  'pulse-probes': 'health',
  'pulse-logs': 'errors',
  'pulse-logs-history': 'errors',
  'pulse-self': 'runtime',
};

/** Every rule Pulse ships, for a config: each with `job` and `service_name`, aggregated by the configured labels. */
export function buildRules(config: AlertConfig): RuleSet {
  const extra = config.aggregationLabels;
  return {
    recording: [...httpRecordingRules(config), ...probeRecordingRules()].map((r) =>
      recordingWithAggregationLabels(r, extra),
    ),
    alerts: [
      ...availabilityRules(config),
      ...httpRules(config),
      ...runtimeRules(config),
      ...dependencyRules(config),
      ...probeRules(config),
      ...logRules(config),
      ...metaRules(config),
    ].map((r) => {
      const link = r.link ?? { page: GROUP_PAGES[r.group] ?? 'overview' };
      const withLink = { ...r, labels: serviceLabels(r), link };
      return withAggregationLabels({ ...withLink, dashboardUrl: dashboardUrl(withLink, config.grafanaUrl) }, extra);
    }),
  };
}
