// Deploys and restarts on the time series: annotations from the lifecycle events Pulse already
// writes to Loki (a start when createPulse runs, one stop with its reason: SIGTERM, SIGINT,
// shutdown, crash). Pure data, so tests can parse the LogQL and run it over pushed events.
import { LOG_METADATA, lifecycleEvents, logqlString } from '@pulse-apm/exporter/queries/logql';
import { logScope } from './variables';

/** A Loki annotation query as Grafana's Loki data source reads it (`annotationQuery`). */
export interface LokiAnnotation {
  name: string;
  iconColor: string;
  expr: string;
  /** `{{label}}` templates over the event's labels, metadata and the fields `| json` extracts. */
  titleFormat: string;
  textFormat: string;
  /** Comma-separated label names that become the annotation's tags. */
  tagKeys: string;
}

/** JSON fields of a lifecycle event the annotation text shows (written by exporter/src/logs/lifecycle.ts). */
export const LIFECYCLE_FIELDS = { nodeVersion: 'node_version', pid: 'pid', uptime: 'uptime_seconds' } as const;

const CRASH = 'crash';
const phase = LOG_METADATA.lifecyclePhase;
const reason = LOG_METADATA.lifecycleReason;
const json = `| json ${Object.values(LIFECYCLE_FIELDS)
  .map((f) => `${f}=${logqlString(f)}`)
  .join(', ')}`;
const text = `{{${LOG_METADATA.instance}}} · Node.js {{${LIFECYCLE_FIELDS.nodeVersion}}} · up {{${LIFECYCLE_FIELDS.uptime}}} s`;

export const lifecycleAnnotations = (): LokiAnnotation[] => [
  {
    name: 'Deploys and restarts',
    iconColor: 'blue',
    // Starts (no reason) and graceful stops: everything but a crash.
    expr: `${lifecycleEvents(logScope)} | ${reason}!=${logqlString(CRASH)} ${json}`,
    titleFormat: `{{${phase}}} {{${reason}}}`,
    textFormat: text,
    tagKeys: [phase, reason].join(','),
  },
  {
    name: 'Crashes',
    iconColor: 'red',
    expr: `${lifecycleEvents(logScope)} | ${reason}=${logqlString(CRASH)} ${json}`,
    titleFormat: `crash`,
    textFormat: text,
    tagKeys: [phase, reason].join(','),
  },
];
