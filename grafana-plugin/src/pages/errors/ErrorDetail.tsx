import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  type SceneComponentProps,
  type SceneObjectState,
  type SceneQueryRunner,
} from '@grafana/scenes';
import { Alert, Stack, useStyles2 } from '@grafana/ui';
import { errorDetailQueries } from '../../queries/errors';
import { lokiRunner } from '../../scenes/runners';
import { errorGroupsFromFrames, errorOccurrences, type ErrorOccurrence } from './errorGroups';
import { classify } from './errorGroupState';
import {
  ErrorGroupStateObject,
  evaluatedAt,
  GroupActions,
  StatusBadge,
  type ErrorGroupStateHolder,
} from './ErrorGroupsTable';

interface ErrorGroupStatusBarState extends ErrorGroupStateHolder {
  title: string;
  fingerprint: string;
  /** The group's counts per step: its last occurrence decides "regression". */
  $data: SceneQueryRunner;
}

/** The group's status (open, regressed, muted, resolved), who changed it, and its actions. */
export class ErrorGroupStatusBar extends ErrorGroupStateObject<ErrorGroupStatusBarState> {
  static Component = ErrorGroupStatusBarRenderer;

  constructor(fingerprint: string) {
    super({ title: 'Status', fingerprint, $data: lokiRunner([errorDetailQueries(fingerprint).occurrences()]) });
    this.addActivationHandler(() => {
      void this.loadState();
    });
  }
}

function ErrorGroupStatusBarRenderer({ model }: SceneComponentProps<ErrorGroupStatusBar>) {
  const { fingerprint, $data, errorGroups, saving, message } = model.useState();
  const { data } = $data.useState();
  const styles = useStyles2(getStyles);
  if (!errorGroups) {
    return null;
  }
  const group = errorGroupsFromFrames(data?.series ?? []).find((g) => g.fingerprint === fingerprint);
  const entry = errorGroups.groups[fingerprint];
  const status = classify(entry, group?.lastSeenFrom, evaluatedAt(model, data?.timeRange));
  return (
    <div className={styles.bar} data-testid="pulse-error-group-status">
      <Stack direction="row" alignItems="center" gap={2}>
        <StatusBadge status={status} />
        <span className={styles.fingerprint}>{fingerprint}</span>
        {group && (
          <span>
            {Math.round(group.count)} events in range · first {dateTimeFormat(group.firstSeen)} · last{' '}
            {dateTimeFormat(group.lastSeen)}
          </span>
        )}
        {entry?.resolved && (
          <span>
            resolved {dateTimeFormat(Date.parse(entry.resolved.at))}
            {entry.resolved.by ? ` by ${entry.resolved.by}` : ''}
          </span>
        )}
        {entry?.muted && status === 'muted' && (
          <span>
            muted {dateTimeFormat(Date.parse(entry.muted.at))}
            {entry.muted.by ? ` by ${entry.muted.by}` : ''}
          </span>
        )}
        <GroupActions status={status} busy={saving === fingerprint} onAction={(a) => void model.act(a, fingerprint)} />
      </Stack>
      {message && (
        <Alert severity={message.severity} title="">
          {message.text}
        </Alert>
      )}
    </div>
  );
}

interface LatestOccurrenceState extends SceneObjectState {
  title: string;
  $data: SceneQueryRunner;
}

/** The group's newest event in full: message, stack, request context (redacted by Pulse), trace id. */
export class LatestOccurrence extends SceneObjectBase<LatestOccurrenceState> {
  static Component = LatestOccurrenceRenderer;

  constructor(fingerprint: string) {
    super({
      title: 'Latest occurrence',
      $data: lokiRunner([{ ...errorDetailQueries(fingerprint).events(), refId: 'latest', maxLines: 20 }]),
    });
  }
}

function LatestOccurrenceRenderer({ model }: SceneComponentProps<LatestOccurrence>) {
  const { data } = model.state.$data.useState();
  const occurrence = errorOccurrences(data?.series ?? [])[0];
  return <OccurrenceView occurrence={occurrence} loading={data?.state === 'Loading'} />;
}

export function OccurrenceView({ occurrence, loading }: { occurrence?: ErrorOccurrence; loading?: boolean }) {
  const styles = useStyles2(getStyles);
  if (!occurrence) {
    return (
      <p className={styles.empty}>
        {loading
          ? 'Loading the latest occurrence…'
          : 'No event of this group in the selected range: widen the time range.'}
      </p>
    );
  }
  const request = occurrence.request;
  const headers =
    request?.headers && typeof request.headers === 'object' ? (request.headers as Record<string, unknown>) : {};
  return (
    <div className={styles.occurrence} data-testid="pulse-error-occurrence">
      <h4>
        {occurrence.errorClass ?? 'Error'}: {occurrence.message}
      </h4>
      <dl className={styles.facts}>
        <dt>When</dt>
        <dd>{dateTimeFormat(occurrence.time)}</dd>
        {occurrence.errorType && (
          <>
            <dt>Type</dt>
            <dd>{occurrence.errorType}</dd>
          </>
        )}
        {occurrence.route && (
          <>
            <dt>Request</dt>
            <dd>
              {occurrence.method ?? ''} {occurrence.route} {occurrence.status ? `→ ${occurrence.status}` : ''}
            </dd>
          </>
        )}
        {occurrence.traceId && (
          <>
            <dt>Trace id</dt>
            <dd className={styles.mono}>{occurrence.traceId}</dd>
          </>
        )}
      </dl>
      <h5>Stack</h5>
      <pre className={styles.pre}>{occurrence.stack ?? '(no stack: the thrown value was not an Error)'}</pre>
      {occurrence.cause && (
        <>
          <h5>Cause</h5>
          <pre className={styles.pre}>{occurrence.cause}</pre>
        </>
      )}
      <h5>Request context</h5>
      {request ? (
        <dl className={styles.facts}>
          <dt>Path</dt>
          <dd className={styles.mono}>{String(request.url_path ?? '')}</dd>
          {request.url_query !== undefined && (
            <>
              <dt>Query</dt>
              <dd className={styles.mono}>{String(request.url_query)}</dd>
            </>
          )}
          {Object.entries(headers).map(([k, v]) => (
            <React.Fragment key={k}>
              <dt>{k}</dt>
              <dd className={styles.mono}>{String(v)}</dd>
            </React.Fragment>
          ))}
          {request.body !== undefined && (
            <>
              <dt>Body</dt>
              <dd>
                <pre className={styles.pre}>{String(request.body)}</pre>
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p className={styles.empty}>
          No request context (captured outside a request, or `errors.request` recording is off).
        </p>
      )}
      {occurrence.metadata && (
        <>
          <h5>Metadata</h5>
          <pre className={styles.pre}>{JSON.stringify(occurrence.metadata, null, 2)}</pre>
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({ padding: theme.spacing(1) }),
  fingerprint: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
  occurrence: css({ padding: theme.spacing(1), overflow: 'auto', width: '100%' }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    gap: theme.spacing(0.5, 2),
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, wordBreak: 'break-all' },
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  pre: css({ whiteSpace: 'pre-wrap', fontSize: theme.typography.bodySmall.fontSize, maxHeight: 400, overflow: 'auto' }),
});
