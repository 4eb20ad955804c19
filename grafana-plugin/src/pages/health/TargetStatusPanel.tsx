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
import { DownloadButtons } from '../../scenes/DownloadButtons';
import type { Cell, ShownTable } from '../../scenes/tableDownload';

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

export const TARGET_COLUMNS = ['Instance', 'Status', 'Why'];

/** One instance's cells, as the table renders them: the download is built from the same values. */
export function targetCells(s: TargetStatus): Cell[] {
  return [s.instance, VERDICT[s.verdict].text, s.detail];
}

export function TargetStatusView({ statuses, loading }: { statuses: TargetStatus[]; loading?: boolean }) {
  const styles = useStyles2(getStyles);
  if (loading && statuses.length === 0) {
    return <p className={styles.muted}>Loading targets…</p>;
  }
  const summary = targetsSummary(statuses);
  const shown: ShownTable = { columns: TARGET_COLUMNS, rows: statuses.map(targetCells) };
  return (
    <div className={styles.wrapper} data-testid="pulse-target-status">
      <Alert severity={summary.severity} title={summary.text} />
      {statuses.length > 0 && <DownloadButtons title="Targets" table={shown} />}
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
            {statuses.map((s, i) => {
              const [instance, verdict, why] = shown.rows[i]!;
              return (
                <tr key={s.instance}>
                  <td>{instance}</td>
                  <td>
                    <Badge text={String(verdict)} color={VERDICT[s.verdict].color} />
                  </td>
                  <td>{why}</td>
                </tr>
              );
            })}
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
