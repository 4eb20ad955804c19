import type { AlertConfig } from '../config';
import type { RuleSet } from '../types';
import { availabilityRules } from './availability';
import { dependencyRules } from './dependencies';
import { httpRecordingRules, httpRules } from './http';
import { logRules } from './logs';
import { probeRecordingRules, probeRules } from './probes';
import { runtimeRules } from './runtime';

/** Every rule Pulse ships, for a config. */
export function buildRules(config: AlertConfig): RuleSet {
  return {
    recording: [...httpRecordingRules(), ...probeRecordingRules()],
    alerts: [
      ...availabilityRules(config),
      ...httpRules(config),
      ...runtimeRules(config),
      ...dependencyRules(config),
      ...probeRules(config),
      ...logRules(config),
    ],
  };
}
