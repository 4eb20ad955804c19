// Deploys and restarts on the time series: annotations from the lifecycle events Pulse already
// writes to Loki (a start when createPulse runs, one stop with its reason: SIGTERM, SIGINT,
// shutdown, crash). Pure data, so tests can parse the LogQL and run it over pushed events.
import { LIFECYCLE_FIELDS, LOG_METADATA, lifecycleEvents, logqlString } from '@pulse-apm/exporter/queries/logql';
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

/** Labels the queries compose (`| label_format`) for the annotation's title and text. */
export const ANNOTATION_LABELS = { title: 'lifecycle_title', text: 'lifecycle_text' } as const;

const CRASH = 'crash';
const phase = LOG_METADATA.lifecyclePhase;
const reason = LOG_METADATA.lifecycleReason;
const version = LIFECYCLE_FIELDS.serviceVersion;
const json = `| json ${Object.values(LIFECYCLE_FIELDS)
  .map((f) => `${f}=${logqlString(f)}`)
  .join(', ')}`;

// Grafana renders a `{{label}}` the line lacks as the label's name ("start lifecycle_reason"), so
// optional parts (a start has no reason, a version may be unknown) are composed in Loki with Go
// templates (missing labels are empty there) into labels every line has.
const field = (label: string) => `{{.${label}}}`;
const ifSet = (label: string, text: string) => `{{if .${label}}}${text}{{end}}`;
const composed = (title: string) =>
  `| label_format ${ANNOTATION_LABELS.title}=${logqlString(title)}, ${ANNOTATION_LABELS.text}=${logqlString(
    `${field(LOG_METADATA.instance)}${ifSet(version, ` · version ${field(version)}`)} · Node.js ${field(
      LIFECYCLE_FIELDS.nodeVersion
    )} · up ${field(LIFECYCLE_FIELDS.uptime)} s`
  )}`;
/** `start 1.4.2`, `stop 1.4.2 (SIGTERM)`, `stop (shutdown)` without a version. */
const deployTitle = `${field(phase)}${ifSet(version, ` ${field(version)}`)}${ifSet(reason, ` (${field(reason)})`)}`;
const crashTitle = `crash${ifSet(version, ` ${field(version)}`)}`;

export const lifecycleAnnotations = (): LokiAnnotation[] => [
  {
    name: 'Deploys and restarts',
    iconColor: 'blue',
    // Starts (no reason) and graceful stops: everything but a crash.
    expr: `${lifecycleEvents(logScope)} | ${reason}!=${logqlString(CRASH)} ${json} ${composed(deployTitle)}`,
    titleFormat: `{{${ANNOTATION_LABELS.title}}}`,
    textFormat: `{{${ANNOTATION_LABELS.text}}}`,
    tagKeys: [phase, reason].join(','),
  },
  {
    name: 'Crashes',
    iconColor: 'red',
    expr: `${lifecycleEvents(logScope)} | ${reason}=${logqlString(CRASH)} ${json} ${composed(crashTitle)}`,
    titleFormat: `{{${ANNOTATION_LABELS.title}}}`,
    textFormat: `{{${ANNOTATION_LABELS.text}}}`,
    tagKeys: [phase, reason].join(','),
  },
];
