import type { ExpositionFormat } from '../metrics/exposition';
import { counterFamilyName, formatNumber, renderFamilyHeader } from '../metrics/exposition';
import type { Exemplar, FamilyState } from './state';

// Renders merged families in either exposition format, the same lines a single process writes.

/** Families are joined per family into one Buffer, so no single string holds the whole scrape. */
export function renderFamilies(families: readonly FamilyState[], format: ExpositionFormat): Buffer[] {
  const chunks: Buffer[] = [];
  const withExemplars = format === 'openmetrics';
  for (const f of families) {
    if (f.series.length === 0) continue;
    let out = renderFamilyHeader(format, f.name, f.type, f.help, f.unit);
    const line = (name: string, labels: string, value: number, exemplar?: Exemplar | null): void => {
      out += name + (labels === '' ? '' : `{${labels}}`) + ' ' + formatNumber(value);
      if (withExemplars && exemplar)
        out += ` # {${exemplar[0]}} ${formatNumber(exemplar[1])} ${exemplar[2].toFixed(3)}`;
      out += '\n';
    };
    if (f.type === 'histogram' || f.type === 'summary') {
      const bounds = f.bounds ?? [];
      const sample = f.type === 'histogram' ? `${f.name}_bucket` : f.name;
      const boundLabel = f.type === 'histogram' ? 'le' : 'quantile';
      for (const s of f.series) {
        const prefix = s.labels === '' ? '' : s.labels + ',';
        for (let i = 0; i < bounds.length; i++) {
          line(sample, `${prefix}${boundLabel}="${bounds[i]}"`, s.values[i]!, s.exemplars?.[i]);
        }
        line(`${f.name}_sum`, s.labels, s.values[bounds.length]!);
        line(`${f.name}_count`, s.labels, s.values[bounds.length + 1]!);
      }
    } else {
      // Both formats expose a counter's sample as `<family>_total`.
      const sample = f.type === 'counter' ? counterFamilyName(f.name) + '_total' : f.name;
      for (const s of f.series) line(sample, s.labels, s.values[0]!);
    }
    chunks.push(Buffer.from(out, 'utf8'));
  }
  return chunks;
}
