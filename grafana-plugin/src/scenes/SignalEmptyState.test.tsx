import React from 'react';
import { render, screen } from '@testing-library/react';
import { LoadingState, getDefaultTimeRange, toDataFrame, type PanelData } from '@grafana/data';
import { SignalEmptyState, probeFoundNothing } from './SignalEmptyState';

const probe = {
  expr: 'pulse_runtime_info{job="$job"}',
  title: 'No runtime metrics',
  hint: 'remove `runtime: { enabled: false }`',
};

function data(state: LoadingState, rows: number): PanelData {
  const frame = toDataFrame({ fields: [{ name: 'Value', values: Array.from({ length: rows }, () => 1) }] });
  return { state, series: rows >= 0 ? [frame] : [], timeRange: getDefaultTimeRange() };
}

describe('SignalEmptyState', () => {
  it('speaks only once the probe answered with no series', () => {
    expect(probeFoundNothing(undefined)).toBe(false);
    expect(probeFoundNothing(data(LoadingState.Loading, 0))).toBe(false);
    expect(probeFoundNothing(data(LoadingState.Error, 0))).toBe(false);
    expect(probeFoundNothing(data(LoadingState.Done, 1))).toBe(false);
    expect(probeFoundNothing(data(LoadingState.Done, 0))).toBe(true);
    expect(probeFoundNothing(data(LoadingState.Done, -1))).toBe(true);
  });

  it('runs the probe as an instant Prometheus query', () => {
    const banner = SignalEmptyState.fromProbe(probe);
    expect(banner.state.$data.state.queries).toEqual([
      expect.objectContaining({ refId: 'probe', expr: probe.expr, instant: true }),
    ]);
    expect(banner.state.$data.state.datasource).toEqual({ type: 'prometheus', uid: '${prom}' });
  });

  it('renders the hint (code in backticks as code) when the signal is off, nothing otherwise', () => {
    const banner = SignalEmptyState.fromProbe(probe);
    banner.state.$data.setState({ data: data(LoadingState.Done, 1) });
    const { container, rerender } = render(<banner.Component model={banner} />);
    expect(container.textContent).toBe('');

    banner.state.$data.setState({ data: data(LoadingState.Done, 0) });
    rerender(<banner.Component model={banner} />);
    expect(screen.getByText('No runtime metrics')).toBeTruthy();
    expect(screen.getByText('runtime: { enabled: false }').tagName).toBe('CODE');
  });
});
