// Text formats Pulse writes: Prometheus text 0.0.4 and OpenMetrics 1.0.0.

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Picks the format from a scrape's Accept header, as Prometheus negotiates it. */
export function formatFromAccept(accept: string | undefined): ExpositionFormat {
  return accept !== undefined && accept.includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
}

export function contentTypeOf(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}

export function escapeLabelValue(value: string): string {
  // Fast path: most values need no escaping.
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `a="x",b="y"` — rendered once per series, reused by every scrape. */
export function renderLabelPairs(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += names[i] + '="' + escapeLabelValue(values[i] ?? '') + '"';
  }
  return out;
}

export function formatNumber(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** The `# HELP` / `# TYPE` (/ `# UNIT`) block of one metric family. */
export function renderFamilyHeader(
  format: ExpositionFormat,
  name: string,
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped',
  help: string,
  unit: string,
): string {
  if (format === 'prometheus') {
    return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
  }
  // OpenMetrics names a counter family without its `_total` suffix.
  const family = type === 'counter' ? counterFamilyName(name) : name;
  const omType = type === 'untyped' ? 'unknown' : type;
  let header = `# TYPE ${family} ${omType}\n`;
  // OpenMetrics parsers reject a UNIT that is not a suffix of the family name.
  if (unit !== '' && family.endsWith('_' + unit)) header += `# UNIT ${family} ${unit}\n`;
  return header + `# HELP ${family} ${escapeHelp(help)}\n`;
}

export function counterFamilyName(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/** OpenMetrics exemplar suffix: ` # {trace_id="…"} value timestamp-in-seconds`. */
export function renderExemplar(traceId: string, value: number, timestampMs: number): string {
  return ` # {trace_id="${escapeLabelValue(traceId)}"} ${formatNumber(value)} ${(timestampMs / 1000).toFixed(3)}`;
}
