import { describeSaveError, errorGroupsStore, PLUGIN_SETTINGS_URL, type SettingsBackend } from './errorGroupsApi';
import { EMPTY_ERROR_GROUPS, mute, resolve } from './errorGroupState';

const T0 = new Date('2026-11-20T10:00:00.000Z');

/** Grafana's plugin settings endpoint, in memory. */
function fakeGrafana(initial: { enabled?: boolean; pinned?: boolean; jsonData?: Record<string, unknown> }) {
  let meta = { ...initial };
  const posts: unknown[] = [];
  const backend: SettingsBackend = {
    async get<T>(url: string) {
      expect(url).toBe(PLUGIN_SETTINGS_URL);
      return JSON.parse(JSON.stringify(meta)) as T;
    },
    async post<T>(url: string, body?: unknown) {
      expect(url).toBe(PLUGIN_SETTINGS_URL);
      posts.push(body);
      meta = JSON.parse(JSON.stringify(body));
      return {} as T;
    },
  };
  return { backend, posts, meta: () => meta };
}

describe('errorGroupsStore', () => {
  it('the settings URL is the app plugin settings API', () => {
    expect(PLUGIN_SETTINGS_URL).toBe('/api/plugins/pulseapm-pulse-app/settings');
  });

  it('loads the state from jsonData.errorGroups (none yet = empty)', async () => {
    expect(await errorGroupsStore(fakeGrafana({ jsonData: {} }).backend).load()).toEqual(EMPTY_ERROR_GROUPS);
    const saved = mute(EMPTY_ERROR_GROUPS, 'fp', T0);
    expect(await errorGroupsStore(fakeGrafana({ jsonData: { errorGroups: saved } }).backend).load()).toEqual(saved);
  });

  it('an update re-reads the settings, applies the change and posts it, keeping the other jsonData keys', async () => {
    const grafana = fakeGrafana({ enabled: true, pinned: true, jsonData: { prometheusUid: 'prom', lokiUid: 'logs' } });
    const store = errorGroupsStore(grafana.backend);
    const saved = await store.update((s) => resolve(s, 'fp', T0, 'alice'));
    expect(grafana.posts).toHaveLength(1);
    expect(grafana.meta()).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { prometheusUid: 'prom', lokiUid: 'logs', errorGroups: saved },
    });
  });

  it("another user's change made since the page loaded is kept (read-modify-write)", async () => {
    const grafana = fakeGrafana({ jsonData: {} });
    const mine = errorGroupsStore(grafana.backend);
    const theirs = errorGroupsStore(grafana.backend);
    await mine.load();
    await theirs.update((s) => mute(s, 'theirs', T0));
    const saved = await mine.update((s) => resolve(s, 'mine', T0));
    expect(Object.keys(saved.groups).sort()).toEqual(['mine', 'theirs']);
  });

  it('a failed post rejects, so the page can say why', async () => {
    const grafana = fakeGrafana({ jsonData: {} });
    grafana.backend.post = () => Promise.reject({ status: 403, data: { message: 'Permission denied' } });
    await expect(errorGroupsStore(grafana.backend).update((s) => s)).rejects.toEqual(
      expect.objectContaining({ status: 403 })
    );
  });
});

describe('describeSaveError', () => {
  it('tells viewers that only org admins can change the shared state', () => {
    expect(describeSaveError({ status: 403 })).toMatch(/Only Grafana organisation admins/);
  });
  it("passes Grafana's message on otherwise", () => {
    expect(describeSaveError({ status: 500, data: { message: 'database is locked' } })).toMatch(/database is locked/);
    expect(describeSaveError(new Error('network down'))).toMatch(/network down/);
  });
});
