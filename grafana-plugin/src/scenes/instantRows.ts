// Rows of instant Prometheus/Loki query frames, whatever shape Grafana hands them in. Pure.
import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** One series of an instant query: its labels and value. */
export interface InstantRow {
  labels: Record<string, string>;
  value: number;
}

/**
 * The rows of an instant query's frame, whether it came in table format (label columns + one
 * value column, a row per series) or as time series (labels on each value field: its last value).
 */
export function instantRows(frame: DataFrame): InstantRow[] {
  const numbers = frame.fields.filter((f) => f.type === FieldType.number);
  const strings = frame.fields.filter((f) => f.type === FieldType.string);
  const valueField = numbers[numbers.length - 1];
  if (!valueField) {
    return [];
  }
  if (strings.length > 0) {
    const rows: InstantRow[] = [];
    for (let i = 0; i < frame.length; i++) {
      const labels: Record<string, string> = { ...(valueField.labels ?? {}) };
      for (const s of strings) {
        labels[s.name] = String(s.values[i] ?? '');
      }
      rows.push({ labels, value: Number(valueField.values[i]) });
    }
    return rows;
  }
  return numbers.map((f) => ({ labels: { ...(f.labels ?? {}) }, value: lastValue(f) }));
}

function lastValue(f: Field): number {
  for (let i = f.values.length - 1; i >= 0; i--) {
    const v = f.values[i];
    if (v !== null && v !== undefined) {
      return Number(v);
    }
  }
  return NaN;
}

/** Rows of every frame with the given refId. */
export function rowsOf(frames: DataFrame[], refId: string): InstantRow[] {
  return frames.filter((f) => f.refId === refId).flatMap(instantRows);
}
