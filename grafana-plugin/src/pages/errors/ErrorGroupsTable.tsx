import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneObject,
  type SceneComponentProps,
  type SceneObjectState,
  type SceneQueryRunner,
} from '@grafana/scenes';
import { Alert, Badge, Button, RadioButtonGroup, Stack, useStyles2, type BadgeColor } from '@grafana/ui';
import { errorDetailPath, errorsQueries } from '../../queries/errors';
import { lokiRunner } from '../../scenes/runners';
import { PRESERVED_URL_KEYS } from '../../scenes/variables';
import {
  classifyGroups,
  errorGroupsFromFrames,
  errorOccurrences,
  latestByFingerprint,
  type ClassifiedErrorGroup,
  type ErrorOccurrence,
} from './errorGroups';
import { describeSaveError, errorGroupsStore, type ErrorGroupsStore } from './errorGroupsApi';
import { ErrorGroupConflict, type ErrorGroupsSnapshot } from './errorGroupStore';
import { bracedRef, VAR } from '../../queries/variables';
import { mute, reopen, resolve, unmute, type ErrorGroupsState, type ErrorGroupStatus } from './errorGroupState';
import { tableStyles } from '../../scenes/tableStyles';
import { DownloadButtons } from '../../scenes/DownloadButtons';
import type { Cell, ShownTable } from '../../scenes/tableDownload';

export type GroupAction = 'mute' | 'unmute' | 'resolve' | 'reopen';

/** Applies an action to a state (`by` is the Grafana login, kept for "who resolved this"). */
export function applyAction(state: ErrorGroupsState, action: GroupAction, fingerprint: string, now: Date, by?: string) {
  switch (action) {
    case 'mute':
      return mute(state, fingerprint, now, { by });
    case 'unmute':
      return unmute(state, fingerprint);
    case 'resolve':
      return resolve(state, fingerprint, now, by);
    case 'reopen':
      return reopen(state, fingerprint);
  }
}

/** When the data was evaluated: the end of its time range (else the scene's). */
export function evaluatedAt(model: SceneObject, range: { to: { valueOf(): number } } | undefined): number {
  return (range ?? sceneGraph.getTimeRange(model).state.value).to.valueOf();
}

export function currentLogin(): string | undefined {
  return config.bootData?.user?.login || undefined;
}

export interface ErrorGroupStateHolder extends SceneObjectState {
  errorGroups?: ErrorGroupsState;
  /** The change each group's state was read from: what the next change is based on. */
  revisions?: Record<string, number>;
  changes?: ErrorGroupsSnapshot['changes'];
  saving?: string;
  message?: { severity: 'error' | 'warning' | 'info'; text: string };
}

/** The page's service (`$job`): recorded on each change, so a group's history says where it was triaged. */
function selectedService(model: SceneObject): string | undefined {
  const value = sceneGraph.interpolate(model, bracedRef(VAR.service));
  return value && !value.startsWith('$') ? value : undefined;
}

/** Loads the shared state when the object activates; `act` saves a change and keeps what was saved. */
export abstract class ErrorGroupStateObject<S extends ErrorGroupStateHolder> extends SceneObjectBase<S> {
  protected store: ErrorGroupsStore = errorGroupsStore();

  /** Tests swap Grafana's annotations API for a fake. */
  useStore(store: ErrorGroupsStore): this {
    this.store = store;
    return this;
  }

  protected loadState(message?: ErrorGroupStateHolder['message']): Promise<void> {
    return this.store.load().then(
      (snapshot) =>
        this.setState({
          errorGroups: snapshot.state,
          revisions: snapshot.revisions,
          changes: snapshot.changes,
          message:
            message ??
            (snapshot.truncated
              ? {
                  severity: 'warning',
                  text: 'Only the latest error-group changes were read: groups triaged long ago may show as open.',
                }
              : undefined),
        } as Partial<S>),
      (err: unknown) =>
        this.setState({
          errorGroups: { version: 1, groups: {} },
          revisions: {},
          message: { severity: 'error', text: `Could not read the mute/resolve state: ${describeSaveError(err)}` },
        } as Partial<S>)
    );
  }

  async act(action: GroupAction, fingerprint: string): Promise<void> {
    this.setState({ saving: fingerprint, message: undefined } as Partial<S>);
    const shown = this.state.errorGroups ?? { version: 1, groups: {} };
    const current = shown.groups[fingerprint];
    const next = applyAction(
      { version: 1, groups: current ? { [fingerprint]: current } : {} },
      action,
      fingerprint,
      new Date(),
      currentLogin()
    ).groups[fingerprint];
    try {
      const stored = await this.store.change(fingerprint, next ?? {}, {
        basedOn: this.state.revisions?.[fingerprint] ?? 0,
        service: selectedService(this),
        by: currentLogin(),
      });
      const groups = { ...(this.state.errorGroups ?? shown).groups };
      if (next) {
        groups[fingerprint] = next;
      } else {
        delete groups[fingerprint];
      }
      this.setState({
        errorGroups: { version: 1, groups },
        revisions: { ...this.state.revisions, [fingerprint]: stored.id },
        changes: { ...this.state.changes, [fingerprint]: { login: stored.login ?? currentLogin(), time: stored.time } },
        saving: undefined,
      } as Partial<S>);
    } catch (err) {
      const message = { severity: 'error' as const, text: describeSaveError(err) };
      if (err instanceof ErrorGroupConflict) {
        // Show what the other user decided rather than what this page last read.
        await this.loadState(message);
        this.setState({ saving: undefined } as Partial<S>);
        return;
      }
      this.setState({ saving: undefined, message } as Partial<S>);
    }
  }
}

interface ErrorGroupsTableState extends ErrorGroupStateHolder {
  title: string;
  /** Counts per step by fingerprint, type and route (Loki). */
  $data: SceneQueryRunner;
  /** Recent error events: each group's class and message. */
  events: SceneQueryRunner;
  show: 'active' | 'all';
}

/**
 * The error groups list: one row per fingerprint with count, first and last seen, type and
 * routes, its status (open, regressed, muted, resolved) and the mute/resolve actions.
 */
export class ErrorGroupsTable extends ErrorGroupStateObject<ErrorGroupsTableState> {
  static Component = ErrorGroupsTableRenderer;

  constructor(state: Partial<ErrorGroupsTableState> = {}) {
    super({
      title: 'Error groups',
      $data: lokiRunner([errorsQueries.groups()]),
      events: lokiRunner([{ ...errorsQueries.recentEvents(), refId: 'latest', maxLines: 1000 }]),
      show: 'active',
      ...state,
    });
    this.addActivationHandler(() => {
      this.loadState();
      return this.state.events.activate();
    });
  }

  setShow(show: 'active' | 'all') {
    this.setState({ show });
  }
}

const STATUS_BADGE: Record<ErrorGroupStatus, { text: string; color: BadgeColor }> = {
  regressed: { text: 'Regression', color: 'red' },
  open: { text: 'Open', color: 'orange' },
  muted: { text: 'Muted', color: 'blue' },
  resolved: { text: 'Resolved', color: 'green' },
};

/** The columns of the groups list as shown, and as downloaded (the Error cell shows the fingerprint below the title). */
export const ERROR_GROUP_COLUMNS = [
  'Status',
  'Error',
  'Fingerprint',
  'Type',
  'Routes',
  'Count',
  'First seen',
  'Last seen',
];

/** One group's cells, as the list renders them: the download is built from the same values. */
export function errorGroupCells(g: ClassifiedErrorGroup, occurrence: ErrorOccurrence | undefined): Cell[] {
  return [
    STATUS_BADGE[g.status].text,
    occurrence ? `${occurrence.errorClass ?? 'Error'}: ${occurrence.message}` : g.fingerprint,
    g.fingerprint,
    g.errorTypes.join(', '),
    g.routes.join(', ') || '—',
    Math.round(g.count),
    dateTimeFormat(g.firstSeen),
    dateTimeFormat(g.lastSeen),
  ];
}

export function StatusBadge({ status }: { status: ErrorGroupStatus }) {
  return <Badge text={STATUS_BADGE[status].text} color={STATUS_BADGE[status].color} />;
}

/** In-app navigation (no page reload) for plain links. */
function navigate(event: React.MouseEvent<HTMLAnchorElement>) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
    return;
  }
  event.preventDefault();
  locationService.push(event.currentTarget.getAttribute('href')!);
}

/** URL query keys kept when opening a group (time range and variables). */
function keepState(): string {
  const params = new URLSearchParams(locationService.getLocation().search);
  const kept = new URLSearchParams();
  for (const [k, v] of params) {
    if (PRESERVED_URL_KEYS.includes(k) || k.startsWith('var-')) {
      kept.append(k, v);
    }
  }
  const s = kept.toString();
  return s ? `?${s}` : '';
}

function ErrorGroupsTableRenderer({ model }: SceneComponentProps<ErrorGroupsTable>) {
  const { $data, events, errorGroups, saving, message, show } = model.useState();
  const { data } = $data.useState();
  const { data: eventData } = events.useState();
  const groups = errorGroupsFromFrames(data?.series ?? []);
  // "Now" is the end of the range the data was queried for: rendering stays pure, and a mute
  // that ended before that point no longer hides the group.
  const now = evaluatedAt(model, data?.timeRange);
  const classified = classifyGroups(groups, errorGroups ?? { version: 1, groups: {} }, now);
  const latest = latestByFingerprint(errorOccurrences(eventData?.series ?? []));
  return (
    <ErrorGroupsList
      groups={classified}
      latest={latest}
      loading={data?.state === 'Loading' || errorGroups === undefined}
      show={show}
      onShow={(s) => model.setShow(s)}
      saving={saving}
      message={message}
      onAction={(action, fp) => void model.act(action, fp)}
    />
  );
}

export interface ErrorGroupsListProps {
  groups: ClassifiedErrorGroup[];
  latest: Map<string, ErrorOccurrence>;
  loading?: boolean;
  show: 'active' | 'all';
  onShow(show: 'active' | 'all'): void;
  saving?: string;
  message?: { severity: 'error' | 'warning' | 'info'; text: string };
  onAction(action: GroupAction, fingerprint: string): void;
}

const SHOW_OPTIONS = [
  { label: 'Needs attention', value: 'active' as const, description: 'Open groups and regressions' },
  { label: 'All', value: 'all' as const, description: 'Muted and resolved groups too' },
];

/** The groups as a table (presentational: the page wires data and actions). */
export function ErrorGroupsList(props: ErrorGroupsListProps) {
  const styles = useStyles2(getStyles);
  const visible = props.groups.filter((g) => props.show === 'all' || g.status === 'open' || g.status === 'regressed');
  const hidden = props.groups.length - visible.length;
  const shown: ShownTable = {
    columns: ERROR_GROUP_COLUMNS,
    rows: visible.map((g) => errorGroupCells(g, props.latest.get(g.fingerprint))),
  };
  return (
    <div className={styles.wrapper} data-testid="pulse-error-groups">
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <h4 className={styles.title}>Error groups</h4>
        <Stack direction="row" gap={1} alignItems="center">
          <RadioButtonGroup size="sm" options={SHOW_OPTIONS} value={props.show} onChange={props.onShow} />
          <DownloadButtons title="Error groups" table={shown} />
        </Stack>
      </Stack>
      {props.message && (
        <Alert severity={props.message.severity} title="">
          {props.message.text}
        </Alert>
      )}
      {visible.length === 0 ? (
        <p className={styles.empty}>
          {props.loading
            ? 'Loading error groups…'
            : props.groups.length === 0
              ? 'No error events in this range for this service and filters (error events reach Loki when `logs: { loki: { url } }` is set in createPulse).'
              : `Nothing needs attention: ${hidden} muted or resolved group(s) hidden (show "All").`}
        </p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Status</th>
              <th>Error</th>
              <th>Type</th>
              <th>Routes</th>
              <th className={styles.num}>Count</th>
              <th>First seen</th>
              <th>Last seen</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {visible.map((g, i) => {
              const [, title, fingerprint, types, routes, count, firstSeen, lastSeen] = shown.rows[i]!;
              const busy = props.saving === g.fingerprint;
              return (
                <tr key={g.fingerprint} data-testid={`error-group-${g.fingerprint}`}>
                  <td>
                    <StatusBadge status={g.status} />
                  </td>
                  <td className={styles.message}>
                    <a
                      className={styles.link}
                      href={`${errorDetailPath(g.fingerprint)}${keepState()}`}
                      onClick={navigate}
                    >
                      {title}
                    </a>
                    <div className={styles.fingerprint}>{fingerprint}</div>
                  </td>
                  <td>{types}</td>
                  <td>{routes}</td>
                  <td className={styles.num}>{count}</td>
                  <td>{firstSeen}</td>
                  <td>{lastSeen}</td>
                  <td>
                    <GroupActions status={g.status} busy={busy} onAction={(a) => props.onAction(a, g.fingerprint)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The buttons a group offers in its status. */
export function actionsFor(status: ErrorGroupStatus): GroupAction[] {
  switch (status) {
    case 'open':
      return ['resolve', 'mute'];
    case 'regressed':
      return ['resolve', 'reopen'];
    case 'muted':
      return ['resolve', 'unmute'];
    case 'resolved':
      return ['reopen'];
  }
}

const ACTION_LABEL: Record<GroupAction, string> = {
  resolve: 'Resolve',
  mute: 'Mute',
  unmute: 'Unmute',
  reopen: 'Reopen',
};

export function GroupActions(props: { status: ErrorGroupStatus; busy?: boolean; onAction(action: GroupAction): void }) {
  return (
    <Stack direction="row" gap={1}>
      {actionsFor(props.status).map((a) => (
        <Button
          key={a}
          size="sm"
          variant={a === 'resolve' ? 'primary' : 'secondary'}
          disabled={props.busy}
          onClick={() => props.onAction(a)}
        >
          {ACTION_LABEL[a]}
        </Button>
      ))}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...tableStyles(theme),
  title: css({ margin: 0 }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(2, 0) }),
  num: css({ textAlign: 'right' }),
  message: css({ maxWidth: 480, wordBreak: 'break-word' }),
  link: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  fingerprint: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
