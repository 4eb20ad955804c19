// "Slow statements": the slow-query events as SQL, one row per normalised statement, caller and
// route, with how often it was slow and its slowest run (like Laravel Pulse's slow queries card).
// Loki answers two instant queries (count, slowest) as one series per label set; the row builder
// joins them on their labels, so the table never depends on how Grafana names Loki's value fields.
import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { PanelBuilders, SceneDataTransformer, type CustomTransformOperator, type VizPanel } from '@grafana/scenes';
import { map } from 'rxjs';
import { databaseQueries, SLOW_STATEMENT_REFS, STATEMENT_LABELS } from '../../queries/database';
import { routeDetailDataLink } from '../../queries/links';
import { lokiRunner } from '../../scenes/runners';

/** Column names of the table. */
export const SLOW_STATEMENT_COLUMNS = {
  statement: 'Statement',
  caller: 'Caller',
  route: STATEMENT_LABELS.route,
  count: 'Slow runs',
  slowest: 'Slowest',
} as const;

function lastValue(frame: DataFrame): number | undefined {
  const field = frame.fields.find((f) => f.type === FieldType.number);
  const values = field?.values ?? [];
  return values.length > 0 ? Number(values[values.length - 1]) : undefined;
}

function labelsOf(frame: DataFrame): Record<string, string> {
  return frame.fields.find((f) => f.type === FieldType.number)?.labels ?? {};
}

/** One row per statement/caller/route from the count and slowest frames (by refId), most frequent first. */
export function slowStatementRows(frames: DataFrame[]): DataFrame {
  const rows = new Map<string, { labels: Record<string, string>; count: number; slowest?: number }>();
  const keyOf = (l: Record<string, string>) =>
    JSON.stringify([
      l[STATEMENT_LABELS.statement] ?? '',
      l[STATEMENT_LABELS.caller] ?? '',
      l[STATEMENT_LABELS.route] ?? '',
    ]);
  for (const frame of frames) {
    const labels = labelsOf(frame);
    const value = lastValue(frame);
    if (value === undefined) {
      continue;
    }
    const key = keyOf(labels);
    const row = rows.get(key) ?? { labels, count: 0 };
    if (frame.refId === SLOW_STATEMENT_REFS.count) {
      row.count += value;
    } else if (frame.refId === SLOW_STATEMENT_REFS.slowest) {
      row.slowest = Math.max(row.slowest ?? -Infinity, value);
    }
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => b.count - a.count || (b.slowest ?? 0) - (a.slowest ?? 0));
  return createDataFrame({
    refId: 'statements',
    fields: [
      {
        name: SLOW_STATEMENT_COLUMNS.statement,
        type: FieldType.string,
        values: sorted.map((r) => r.labels[STATEMENT_LABELS.statement] ?? ''),
      },
      {
        name: SLOW_STATEMENT_COLUMNS.caller,
        type: FieldType.string,
        values: sorted.map((r) => r.labels[STATEMENT_LABELS.caller] ?? ''),
      },
      {
        name: SLOW_STATEMENT_COLUMNS.route,
        type: FieldType.string,
        values: sorted.map((r) => r.labels[STATEMENT_LABELS.route] ?? ''),
      },
      { name: SLOW_STATEMENT_COLUMNS.count, type: FieldType.number, values: sorted.map((r) => r.count) },
      { name: SLOW_STATEMENT_COLUMNS.slowest, type: FieldType.number, values: sorted.map((r) => r.slowest ?? null) },
    ],
  });
}

const toRows: CustomTransformOperator = () => (source) => source.pipe(map((frames) => [slowStatementRows(frames)]));

export function slowStatementsPanel(noValue: string): VizPanel {
  return PanelBuilders.table()
    .setTitle('Slow statements')
    .setDescription(
      'Statements slower than db.slowQueries.thresholdMs over the selected range, as normalised SQL (literals replaced), with the application line that ran them (db.slowQueries.caller), how often they were slow and their slowest run. Click a route for its detail.'
    )
    .setData(
      new SceneDataTransformer({ $data: lokiRunner(databaseQueries.slowStatements()), transformations: [toRows] })
    )
    .setNoValue(noValue)
    .setOption('sortBy', [{ displayName: SLOW_STATEMENT_COLUMNS.count, desc: true }])
    .setOverrides((b) => {
      b.matchFieldsWithName(SLOW_STATEMENT_COLUMNS.slowest).overrideUnit('ms');
      b.matchFieldsWithName(SLOW_STATEMENT_COLUMNS.count).overrideUnit('short');
      b.matchFieldsWithName(SLOW_STATEMENT_COLUMNS.route).overrideLinks([routeDetailDataLink()]);
    })
    .build();
}
