import { DEFAULT_SETTINGS, resolveSettings, settingsUpdate } from './settings';

describe('settings', () => {
  it('default to the provisioned data source uids', () => {
    expect(DEFAULT_SETTINGS).toEqual({ prometheusUid: 'prometheus', lokiUid: 'loki' });
    expect(resolveSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ prometheusUid: '  ', lokiUid: '' })).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ prometheusUid: ' prom-a ', lokiUid: 'loki-b' })).toEqual({
      prometheusUid: 'prom-a',
      lokiUid: 'loki-b',
    });
  });

  it('an update keeps other jsonData keys and the enabled/pinned flags', () => {
    const update = settingsUpdate(
      { enabled: false, pinned: false, jsonData: { prometheusUid: 'a', errorGroups: { x: 1 } } },
      { prometheusUid: 'b', lokiUid: 'c' }
    );
    expect(update).toEqual({
      enabled: false,
      pinned: false,
      jsonData: { prometheusUid: 'b', lokiUid: 'c', errorGroups: { x: 1 } },
    });
  });
});
