// Reading generated dashboards the way Grafana does: panels (rows' nested panels included), their
// targets, and the template variables their expressions use.
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';

export interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
  instant?: boolean;
  exemplar?: boolean;
  [key: string]: unknown;
}

export type AnyPanel = Omit<Panel, 'targets'> & { panels?: AnyPanel[]; targets?: Target[] };

export function panelsOf(dashboard: Dashboard): AnyPanel[] {
  const out: AnyPanel[] = [];
  for (const p of (dashboard.panels ?? []) as AnyPanel[]) {
    out.push(p);
    if (p.panels) out.push(...p.panels);
  }
  return out;
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  source: 'prometheus' | 'loki';
  expr: string;
  instant: boolean;
}

export function queriesOf(dashboard: Dashboard): PanelQuery[] {
  return panelsOf(dashboard).flatMap((p) =>
    (p.targets ?? []).map((t) => {
      const source = t.datasource?.type;
      if (source !== 'prometheus' && source !== 'loki')
        throw new Error(`${dashboard.uid} / ${p.title}: target of type ${source}`);
      if (typeof t.expr !== 'string' || t.expr === '')
        throw new Error(`${dashboard.uid} / ${p.title}: target without expr`);
      return { dashboard: dashboard.uid!, panel: p.title ?? '', source, expr: t.expr, instant: t.instant === true };
    }),
  );
}

/** Grafana's own variables the dashboards may use. */
export const GRAFANA_BUILTINS = ['__rate_interval', '__range', '__auto', '__interval'];

/** `$name` and `${name}` / `${name:format}` references in a string (data link `${__field…}` ones excluded). */
export function variableRefs(text: string): string[] {
  const refs = [...text.matchAll(/\$\{([\w.]+)(?::\w+)?\}|\$(\w+)/g)].map((m) => (m[1] ?? m[2])!);
  return refs.filter((r) => !r.startsWith('__field.') && !r.startsWith('__data.') && !r.startsWith('__value.'));
}

/** Substitutes Grafana variables with concrete values, as Grafana does before the data source sees the query. */
export function interpolate(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for variable ${whole} in: ${expr}`);
    return value;
  });
}
