import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  type SceneComponentProps,
  type SceneObjectState,
  type SceneQueryRunner,
} from '@grafana/scenes';
import { Alert, Badge, useStyles2, type BadgeColor } from '@grafana/ui';
import { LABELS } from '../../queries/labels';
import { healthQueries, TARGET_REFS } from '../../queries/health';
import { rowsOf } from '../../scenes/instantRows';
import { lokiRunner, promRunner } from '../../scenes/runners';
import { classifyTargets, targetsSummary, type TargetStatus, type TargetVerdict } from './targetStatus';
import { tableStyles } from '../../scenes/tableStyles';

interface TargetStatusPanelState extends SceneObjectState {
  title: string;
  /** `up` now and over the range (Prometheus). */
  $data: SceneQueryRunner;
  /** Graceful stops and crashes over the range (Loki lifecycle events). */
  lifecycle: SceneQueryRunner;
}

/** Each instance: reporting, stopped gracefully, crashed, or lost, with the page's headline. */
export class TargetStatusPanel extends SceneObjectBase<TargetStatusPanelState> {
  static Component = TargetStatusRenderer;

  constructor() {
    super({
      title: 'Targets',
      $data: promRunner(healthQueries.targets()),
      lifecycle: lokiRunner(healthQueries.lifecycleCounts()),
    });
    this.addActivationHandler(() => this.state.lifecycle.activate());
  }
}

const sum = (values: number[]) => values.filter(Number.isFinite).reduce((a, b) => a + b, 0);

function TargetStatusRenderer({ model }: SceneComponentProps<TargetStatusPanel>) {
  const { data } = model.state.$data.useState();
  const { data: lifecycle } = model.state.lifecycle.useState();
  const frames = data?.series ?? [];
  const events = lifecycle?.series ?? [];
  const row = (r: { labels: Record<string, string>; value: number }) => ({
    instance: r.labels[LABELS.instance] ?? '',
    value: r.value,
  });
  const statuses = classifyTargets({
    up: rowsOf(frames, TARGET_REFS.up).map(row),
    seen: rowsOf(frames, TARGET_REFS.seen).map(row),
    gracefulStops: sum(rowsOf(events, TARGET_REFS.stops).map((r) => r.value)),
    crashes: sum(rowsOf(events, TARGET_REFS.crashes).map((r) => r.value)),
  });
  return <TargetStatusView statuses={statuses} loading={data?.state === 'Loading'} />;
}

const VERDICT: Record<TargetVerdict, { text: string; color: BadgeColor }> = {
  up: { text: 'Up', color: 'green' },
  stopped: { text: 'Stopped (graceful)', color: 'blue' },
  crashed: { text: 'Crashed', color: 'red' },
  lost: { text: 'Server lost', color: 'red' },
};

export function TargetStatusView({ statuses, loading }: { statuses: TargetStatus[]; loading?: boolean }) {
  const styles = useStyles2(getStyles);
  if (loading && statuses.length === 0) {
    return <p className={styles.muted}>Loading targets…</p>;
  }
  const summary = targetsSummary(statuses);
  return (
    <div className={styles.wrapper} data-testid="pulse-target-status">
      <Alert severity={summary.severity} title={summary.text} />
      {statuses.length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Instance</th>
              <th>Status</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {statuses.map((s) => (
              <tr key={s.instance}>
                <td>{s.instance}</td>
                <td>
                  <Badge text={VERDICT[s.verdict].text} color={VERDICT[s.verdict].color} />
                </td>
                <td>{s.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...tableStyles(theme),
  muted: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
});
