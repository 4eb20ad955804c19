import React from 'react';
import { of } from 'rxjs';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import type { PulseAppSettings } from '../../settings';
import { testIds } from '../testIds';
import AppConfig from './AppConfig';

const fetch = jest.fn();
const reload = jest.fn();

// The pickers need Grafana's data source service; a select with the same contract stands in.
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch }),
  locationService: { reload: () => reload() },
  DataSourcePicker: (props: { pluginId: string; current: string; onChange: (ds: { uid: string }) => void }) => (
    <select
      aria-label={`${props.pluginId} data source`}
      value={props.current}
      onChange={(e) => props.onChange({ uid: e.target.value })}
    >
      {[...new Set([props.current, props.pluginId, `${props.pluginId}-2`])].map((uid) => (
        <option key={uid} value={uid}>
          {uid}
        </option>
      ))}
    </select>
  ),
}));

function props(jsonData: PulseAppSettings | undefined): PluginConfigPageProps<AppPluginMeta<PulseAppSettings>> {
  return {
    plugin: { meta: { id: 'pulseapm-pulse-app', enabled: true, pinned: true, jsonData } },
    query: {},
  } as unknown as PluginConfigPageProps<AppPluginMeta<PulseAppSettings>>;
}

beforeEach(() => {
  fetch.mockReset().mockReturnValue(of({ data: {} }));
  reload.mockReset();
});

describe('app config page', () => {
  it('shows the provisioned defaults when nothing is configured', () => {
    render(<AppConfig {...props(undefined)} />);
    expect(screen.getByLabelText<HTMLSelectElement>('prometheus data source').value).toBe('prometheus');
    expect(screen.getByLabelText<HTMLSelectElement>('loki data source').value).toBe('loki');
  });

  it('saves the picked uids through the plugin settings API, keeping the rest of jsonData', async () => {
    const errorGroups = { abc: { state: 'resolved' } };
    render(<AppConfig {...props({ prometheusUid: 'prometheus', lokiUid: 'loki', errorGroups })} />);
    fireEvent.change(screen.getByLabelText('prometheus data source'), { target: { value: 'prometheus-2' } });
    fireEvent.change(screen.getByLabelText('loki data source'), { target: { value: 'loki-2' } });
    fireEvent.click(screen.getByTestId(testIds.appConfig.submit));

    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toEqual({
      url: '/api/plugins/pulseapm-pulse-app/settings',
      method: 'POST',
      data: {
        enabled: true,
        pinned: true,
        jsonData: { prometheusUid: 'prometheus-2', lokiUid: 'loki-2', errorGroups },
      },
    });
  });

  it('says why saving failed and does not reload', async () => {
    fetch.mockReturnValue({ subscribe: (o: { error: (e: unknown) => void }) => o.error(new Error('403 Forbidden')) });
    render(<AppConfig {...props(undefined)} />);
    fireEvent.click(screen.getByTestId(testIds.appConfig.submit));
    expect(await screen.findByText('403 Forbidden')).toBeTruthy();
    expect(reload).not.toHaveBeenCalled();
  });
});
