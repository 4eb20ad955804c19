import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { captureDownloads } from '../../testing/downloads';
import { TargetStatusPanel, TargetStatusView } from './TargetStatusPanel';
import { classifyTargets } from './targetStatus';
import { TARGET_REFS } from '../../queries/health';

describe('target status view', () => {
  it('headlines a lost server and lists every instance with its verdict', () => {
    const statuses = classifyTargets({
      up: [{ instance: 'api-1:3000', value: 1 }],
      seen: [
        { instance: 'api-1:3000', value: 1 },
        { instance: 'api-2:3000', value: 1 },
      ],
      gracefulStops: 0,
      crashes: 0,
    });
    render(<TargetStatusView statuses={statuses} />);
    expect(screen.getByText('Server lost: api-2:3000')).toBeInTheDocument();
    expect(screen.getByText('Up')).toBeInTheDocument();
    expect(screen.getAllByText('Server lost')).toHaveLength(1);
  });

  it('a graceful stop reads as such, not as a lost server', () => {
    const statuses = classifyTargets({
      up: [],
      seen: [{ instance: 'api-2:3000', value: 1 }],
      gracefulStops: 1,
      crashes: 0,
    });
    render(<TargetStatusView statuses={statuses} />);
    expect(screen.getByText('Stopped gracefully: api-2:3000')).toBeInTheDocument();
    expect(screen.queryByText(/Server lost/)).toBeNull();
  });

  it('downloads exactly the rows shown (header, instance, status, why) as CSV and JSON', async () => {
    const capture = captureDownloads();
    try {
      const statuses = classifyTargets({
        up: [{ instance: 'api-1:3000', value: 1 }],
        seen: [
          { instance: 'api-1:3000', value: 1 },
          { instance: '@api-2:3000', value: 1 },
        ],
        gracefulStops: 0,
        crashes: 0,
      });
      render(<TargetStatusView statuses={statuses} />);
      const shown = screen
        .getAllByRole('row')
        .slice(1)
        .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
      fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
      fireEvent.click(screen.getByRole('button', { name: 'Download JSON' }));
      const [csv, json] = await capture.files();
      expect(JSON.parse(json!.text)).toEqual(shown.map(([Instance, Status, Why]) => ({ Instance, Status, Why })));
      const guard = (v: string | null) => (/^[=+\-@]/.test(v!) ? `'${v}` : v);
      const quote = (v: string | null) => (/[",]/.test(v!) ? `"${v!.replace(/"/g, '""')}"` : v);
      expect(csv!.text).toBe(
        ['Instance,Status,Why', ...shown.map((r) => r.map(guard).map(quote).join(','))].join('\r\n') + '\r\n'
      );
      expect(csv!.text).toContain("'@api-2:3000");
    } finally {
      capture.restore();
    }
  });

  it('queries up and up-over-range from Prometheus and the lifecycle counts from Loki', () => {
    const panel = new TargetStatusPanel();
    expect(panel.state.$data.state.queries.map((q) => q.refId)).toEqual([TARGET_REFS.up, TARGET_REFS.seen]);
    expect(panel.state.lifecycle.state.queries.map((q) => q.refId)).toEqual([TARGET_REFS.stops, TARGET_REFS.crashes]);
    expect(panel.state.lifecycle.state.datasource?.type).toBe('loki');
  });
});
