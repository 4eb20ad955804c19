import React from 'react';
import { render, screen } from '@testing-library/react';
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

  it('queries up and up-over-range from Prometheus and the lifecycle counts from Loki', () => {
    const panel = new TargetStatusPanel();
    expect(panel.state.$data.state.queries.map((q) => q.refId)).toEqual([TARGET_REFS.up, TARGET_REFS.seen]);
    expect(panel.state.lifecycle.state.queries.map((q) => q.refId)).toEqual([TARGET_REFS.stops, TARGET_REFS.crashes]);
    expect(panel.state.lifecycle.state.datasource?.type).toBe('loki');
  });
});
