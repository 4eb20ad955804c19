// Exemplar → the events of that one request. Grafana's Prometheus data source returns exemplars as
// frames of the annotations topic (result_transformer.ts: `dataTopic: Annotations`), which the
// query runner puts in `data.annotations`; Scenes' VizPanel.applyFieldConfig applies the panel's
// field config and overrides to `data.series` only and gives annotations an empty one. So a panel
// override on `trace_id` never reaches an exemplar: the link has to be on the exemplar frame's
// own field config, set here by a transformation on the annotations topic.
import {
  DataTopic,
  type DataFrame,
  type DataLink,
  type DataLinkClickEvent,
  type Field,
  type InterpolateFunction,
} from '@grafana/data';
import type { CustomTransformerDefinition } from '@grafana/scenes';
import { map } from 'rxjs';
import { traceLogs } from '@pulse-apm/exporter/queries/logql';
import { LABELS } from '../queries/labels';
import { bracedRef, VAR } from '../queries/variables';

/** Events of a request are logged while it runs: the exemplar (its end) ± this much covers them. */
export const EXEMPLAR_WINDOW_MS = 5 * 60_000;

/** Exemplar labels naming the service, in order of preference (Pulse's `job` is its service name). */
const SERVICE_FIELDS = [LABELS.serviceName, LABELS.job];

/** A hostile trace id (it comes from a request header) cannot make the URL unbounded. */
const MAX_TRACE_ID = 256;

export const EXEMPLAR_LINK_TITLE = 'Events of this request (Loki)';

export interface ExemplarTarget {
  traceId: string;
  service: string;
  /** Regex of the environment variable (`.*` for all); omitted when unknown. */
  env?: string;
  /** Uid of the Loki data source; Explore's default when unknown. */
  lokiUid?: string;
  /** Epoch ms of the exemplar. */
  time: number;
}

/** Explore on Loki with every event of the request (`| trace_id="…"`) of that service, around its time. */
export function exemplarEventsUrl(t: ExemplarTarget): string {
  const expr = traceLogs(
    { service: t.service, env: t.env !== undefined ? { regex: t.env } : undefined },
    t.traceId.slice(0, MAX_TRACE_ID)
  );
  const datasource = t.lokiUid !== undefined ? { type: 'loki', uid: t.lokiUid } : undefined;
  const pane = {
    datasource: t.lokiUid,
    queries: [{ refId: 'A', expr, queryType: 'range', datasource }],
    range: { from: String(t.time - EXEMPLAR_WINDOW_MS), to: String(t.time + EXEMPLAR_WINDOW_MS) },
  };
  // encodeURIComponent leaves no `$`: Grafana interpolates the link's href once more, and finds nothing.
  return `/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify({ pulse: pane }))}`;
}

/** A template the interpolation could not resolve comes back unchanged. */
function resolved(value: string): string | undefined {
  return value !== '' && !value.includes('${') ? value : undefined;
}

/** The link on an exemplar frame's trace id; the URL is built per exemplar when the tooltip asks. */
export function exemplarEventsLink(serviceField: string | undefined): DataLink {
  return {
    title: EXEMPLAR_LINK_TITLE,
    url: '',
    onBuildUrl: ({ replaceVariables }: DataLinkClickEvent) => {
      const interpolate = replaceVariables as InterpolateFunction;
      const traceId = interpolate('${__value.raw}');
      const time = Number(interpolate('${__value.time}'));
      const service =
        (serviceField ? resolved(interpolate(`\${__data.fields["${serviceField}"]}`)) : undefined) ??
        resolved(interpolate(bracedRef(VAR.service)));
      if (!resolved(traceId) || !Number.isFinite(time) || !service) {
        return '';
      }
      return exemplarEventsUrl({
        traceId,
        service,
        time,
        env: resolved(interpolate(`\${${VAR.env}:regex}`)),
        lokiUid: resolved(interpolate(bracedRef(VAR.loki))),
      });
    },
  };
}

function isExemplarFrame(frame: DataFrame): boolean {
  return frame.meta?.custom?.resultType === 'exemplar' || frame.name === 'exemplar';
}

/** Exemplar frames with the events link on their trace id (new frames: the input is never mutated). */
export function withExemplarLinks(frames: DataFrame[]): DataFrame[] {
  return frames.map((frame) => {
    const traceField = frame.fields.find((f) => f.name === LABELS.traceId);
    if (!isExemplarFrame(frame) || !traceField) {
      return frame;
    }
    const serviceField = SERVICE_FIELDS.find((name) => frame.fields.some((f) => f.name === name));
    const link = exemplarEventsLink(serviceField);
    const fields = frame.fields.map((f): Field =>
      f === traceField
        ? {
            ...f,
            config: {
              ...f.config,
              links: [...(f.config.links ?? []).filter((l) => l.title !== EXEMPLAR_LINK_TITLE), link],
            },
          }
        : f
    );
    return { ...frame, fields };
  });
}

/** For a SceneDataTransformer: runs on `data.annotations`, where the exemplars are. */
export const exemplarLinksTransformation: CustomTransformerDefinition = {
  topic: DataTopic.Annotations,
  operator: () => (source) => source.pipe(map(withExemplarLinks)),
};
