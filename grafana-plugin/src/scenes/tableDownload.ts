// Downloads of what a panel or table shows: CSV (RFC 4180) and JSON. One CSV writer for every
// download, so each gets the same escaping and the same guard against spreadsheet formulas.
import { FieldType, dataFrameToJSON, getFieldDisplayName, outerJoinDataFrames, type DataFrame } from '@grafana/data';

export type Cell = string | number | boolean | null | undefined;

/** A table as shown: its header and its rows, cell by cell. */
export interface ShownTable {
  columns: string[];
  rows: Cell[][];
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab / carriage return before one) as a
 * formula (CSV injection): such text cells get a leading apostrophe. Numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) {
    return '';
  }
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: ShownTable): string {
  const width = table.columns.length;
  const lines = [table.columns, ...table.rows].map((row) => {
    if (row.length !== width) {
      throw new Error(`CSV: a row has ${row.length} cells, the header ${width}`);
    }
    return row.map(csvCell).join(',');
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** Rows as objects keyed by column, in the order shown. */
export function toJson(table: ShownTable): string {
  const rows = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/**
 * A panel's frames as one table: several time series are joined on time (as Grafana's inspector
 * offers, "Series joined by time"); columns are named as the panel names them.
 */
export function framesToTable(frames: DataFrame[]): ShownTable {
  if (frames.length === 0) {
    return { columns: [], rows: [] };
  }
  const joinable = frames.length > 1 && frames.every((f) => f.fields.some((x) => x.type === FieldType.time));
  const frame = joinable ? (outerJoinDataFrames({ frames }) ?? frames[0]!) : frames[0]!;
  const sources = joinable ? frames : [frame];
  const columns = frame.fields.map((f) => getFieldDisplayName(f, frame, sources));
  const rows: Cell[][] = [];
  for (let i = 0; i < frame.length; i++) {
    rows.push(frame.fields.map((f) => cellOf(f.values[i], f.type)));
  }
  if (!joinable && frames.length > 1) {
    // Frames that cannot be joined (tables of different shape): one after the other, each with its header.
    const rest = frames.slice(1).map((f) => framesToTable([f]));
    return rest.reduce(
      (acc, t) => ({
        columns: acc.columns,
        rows: [
          ...acc.rows,
          blank(acc.columns.length),
          pad(t.columns, acc.columns.length),
          ...t.rows.map((r) => pad(r, acc.columns.length)),
        ],
      }),
      { columns, rows }
    );
  }
  return { columns, rows };
}

function cellOf(value: unknown, type: FieldType): Cell {
  if (value === null || value === undefined) {
    return null;
  }
  if (type === FieldType.time && typeof value === 'number') {
    return new Date(value).toISOString();
  }
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string'
    ? value
    : JSON.stringify(value);
}

const blank = (n: number): Cell[] => Array.from({ length: n }, () => null);
function pad(row: Cell[], n: number): Cell[] {
  return row.length >= n ? row.slice(0, n) : [...row, ...blank(n - row.length)];
}

/** The panel's frames as Grafana's "DataFrame JSON" (schema + values per frame). */
export function framesToJson(frames: DataFrame[]): string {
  return `${JSON.stringify(frames.map(dataFrameToJSON), null, 2)}\n`;
}

/** `Top routes by traffic` → `top-routes-by-traffic-2026-11-20T10-00-00.csv` */
export function downloadName(title: string, ext: 'csv' | 'json', now = new Date()): string {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'panel';
  return `${slug}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.${ext}`;
}

/** Hands the text to the browser as a file download. */
export function downloadText(filename: string, text: string, mime: 'text/csv' | 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function downloadTable(title: string, table: ShownTable, format: 'csv' | 'json'): void {
  downloadText(
    downloadName(title, format),
    format === 'csv' ? toCsv(table) : toJson(table),
    format === 'csv' ? 'text/csv' : 'application/json'
  );
}
