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

/**
 * HELP text: both formats escape backslash and line feed; OpenMetrics' ABNF also forbids a bare
 * double quote there (`escaped-string`), while Prometheus 0.0.4 would show `\"` literally.
 */
export function escapeHelp(help: string, format: ExpositionFormat = 'prometheus'): string {
  const escaped = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
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

/**
 * `le` and `quantile` label values in OpenMetrics' canonical form: Go's `%g` with `.0` added to
 * integers (`1.0`, `0.005`, `1e-05`, `100000.0`, `1e+06`, `+Inf`). Prometheus 3 rewrites these
 * labels to this form on ingestion and Prometheus 2 stores them as written, so writing them
 * canonically gives the same stored series on both (`le="1"` would be two series across an upgrade).
 */
export function formatCanonicalFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0.0';
  // toExponential() gives the shortest round-trip digits, as Go's 'g' with precision -1 does.
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  // Go's %g switches to exponent form below 1e-4 and from 1e+06 (shortest precision counts as 6).
  const text =
    exponent < -4 || exponent >= 6
      ? `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
      : String(value);
  return text.includes('.') || text.includes('e') ? text : text + '.0';
}

/** A label value that should be canonical (`le`, `quantile`) given as a number or its text. */
export function canonicalBound(value: string | number): string {
  const n = typeof value === 'number' ? value : Number(value);
  return typeof value === 'string' && (value.trim() === '' || Number.isNaN(n)) ? value : formatCanonicalFloat(n);
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
    return `# HELP ${name} ${escapeHelp(help, format)}\n# TYPE ${name} ${type}\n`;
  }
  // OpenMetrics names a counter family without its `_total` suffix.
  const family = type === 'counter' ? counterFamilyName(name) : name;
  const omType = type === 'untyped' ? 'unknown' : type;
  let header = `# TYPE ${family} ${omType}\n`;
  // OpenMetrics parsers reject a UNIT that is not a suffix of the family name.
  if (unit !== '' && family.endsWith('_' + unit)) header += `# UNIT ${family} ${unit}\n`;
  return header + `# HELP ${family} ${escapeHelp(help, format)}\n`;
}

export function counterFamilyName(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/** OpenMetrics exemplar suffix: ` # {trace_id="…"} value timestamp-in-seconds`. */
export function renderExemplar(traceId: string, value: number, timestampMs: number): string {
  return ` # {trace_id="${escapeLabelValue(traceId)}"} ${formatNumber(value)} ${(timestampMs / 1000).toFixed(3)}`;
}
