import { PLUGIN_ID } from '../../constants';
import { fakeGrafana, type Role } from '../../testing/fakeGrafanaAnnotations';
import { changesQuery, ERROR_GROUP_TAGS } from './errorGroupAnnotations';
import { annotationsStore, ErrorGroupConflict, LEGACY_SETTINGS_URL, LOAD_LIMIT } from './errorGroupStore';
import { classify } from './errorGroupState';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const resolved = (at = T0, by = 'alice') => ({ resolved: { at: new Date(at).toISOString(), by } });
const muted = (at = T0, by = 'bob') => ({ muted: { at: new Date(at).toISOString(), by } });

function user(grafana: ReturnType<typeof fakeGrafana>, login: string, role: Role = 'Editor') {
  const backend = grafana.as(login, role);
  return annotationsStore(() => backend);
}

describe('error-group state in Grafana annotations', () => {
  it('a change is an organisation annotation tagged for the group, its service and its state', async () => {
    const grafana = fakeGrafana();
    await user(grafana, 'alice').change('fp1', resolved(), { basedOn: 0, service: 'checkout', now: T0 });
    const [a] = grafana.annotations();
    expect(a!.tags).toEqual(['pulse', 'pulse-error-group', 'fp:fp1', 'service:checkout', 'state:resolved']);
    expect(a!.epoch).toBe(T0);
    expect(a!.text).toBe('Error group fp1 resolved');
    expect(a!.login).toBe('alice');
  });

  it('survives what file provisioning does on a restart: the app jsonData rewritten', async () => {
    const grafana = fakeGrafana({ jsonData: { prometheusUid: 'prometheus', lokiUid: 'loki' } });
    await user(grafana, 'alice').change('fp1', resolved(), { basedOn: 0, now: T0 });
    await user(grafana, 'bob').change('fp2', muted(), { basedOn: 0, now: T0 });
    grafana.provisionApp({ prometheusUid: 'prometheus', lokiUid: 'loki' });
    const after = await user(grafana, 'carol', 'Viewer').load();
    expect(after.state.groups).toEqual({ fp1: resolved(), fp2: muted() });
    // Regression detection still has the resolve time: an event after it is a regression.
    expect(classify(after.state.groups.fp1, T0 + 1, T0 + 2)).toBe('regressed');
    expect(classify(after.state.groups.fp1, T0 - 1, T0 + 2)).toBe('resolved');
  });

  it('the latest change of each group is its state, whatever the annotation times say', async () => {
    const grafana = fakeGrafana();
    const alice = user(grafana, 'alice');
    const first = await alice.change('fp1', resolved(T0), { basedOn: 0, now: T0 });
    // Bob's browser clock is an hour behind: his later change carries an earlier time.
    const second = await user(grafana, 'bob').change('fp1', {}, { basedOn: first.id, now: T0 - 3_600_000 });
    const loaded = await alice.load();
    expect(loaded.state.groups.fp1).toBeUndefined();
    expect(loaded.revisions.fp1).toBe(second.id);
    expect(loaded.changes.fp1?.login).toBe('bob');
    expect((await alice.history('fp1')).map((c) => c.id)).toEqual([second.id, first.id]);
  });

  it('reads every change with one query: the group tag, matchAny=false, a limit above the default 100', async () => {
    const grafana = fakeGrafana();
    const alice = user(grafana, 'alice');
    for (let i = 0; i < 150; i++) {
      await alice.change(`fp${i}`, resolved(), { basedOn: 0, now: T0 + i });
    }
    const loaded = await alice.load();
    expect(Object.keys(loaded.state.groups)).toHaveLength(150);
    expect(loaded.truncated).toBe(false);
    const url = new URL(changesQuery({ limit: LOAD_LIMIT }), 'http://x');
    expect(url.searchParams.getAll('tags')).toEqual([ERROR_GROUP_TAGS.errorGroup]);
    expect(url.searchParams.get('matchAny')).toBe('false');
    expect(url.searchParams.get('type')).toBe('annotation');
  });

  it('ignores annotations that only look like ours (other tags, no Pulse data)', async () => {
    const grafana = fakeGrafana();
    const alice = grafana.as('alice', 'Editor');
    await alice.post('/api/annotations', { time: T0, tags: ['pulse-error-group', 'fp:fp1'], text: 'by hand' });
    await alice.post('/api/annotations', { time: T0, tags: ['deploy'], data: { pulse: 'error-group' } });
    expect((await annotationsStore(() => alice).load()).state.groups).toEqual({});
  });

  it('Viewers read the state; their changes are refused with a message naming the roles that may', async () => {
    const grafana = fakeGrafana();
    await user(grafana, 'alice').change('fp1', resolved(), { basedOn: 0 });
    const viewer = user(grafana, 'vic', 'Viewer');
    const snapshot = await viewer.load();
    expect(snapshot.state.groups.fp1?.resolved).toBeDefined();
    await expect(viewer.change('fp1', {}, { basedOn: snapshot.revisions.fp1! })).rejects.toMatchObject({ status: 403 });
    const { describeSaveError } = await import('./errorGroupsApi');
    expect(describeSaveError({ status: 403 })).toMatch(/Editors and Admins/);
  });
});

describe('concurrent edits never silently overwrite each other', () => {
  it('a change based on a state someone else has changed since is refused, naming them', async () => {
    const grafana = fakeGrafana();
    const alice = user(grafana, 'alice');
    const bob = user(grafana, 'bob');
    const seenByAlice = await alice.load();
    await bob.change('fp1', resolved(T0, 'bob'), { basedOn: 0 });
    const err = await alice
      .change('fp1', muted(T0, 'alice'), { basedOn: seenByAlice.revisions.fp1 ?? 0 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ErrorGroupConflict);
    expect(err.current.login).toBe('bob');
    expect(err.message).toMatch(/changed by bob/);
    expect((await alice.load()).state.groups.fp1).toEqual(resolved(T0, 'bob'));
    expect(grafana.annotations()).toHaveLength(1);
  });

  it('two changes racing from the same state: the first written wins, the other is taken back and reported', async () => {
    const grafana = fakeGrafana();
    const seed = await user(grafana, 'seed').change('fp1', muted(), { basedOn: 0 });
    const calls: string[] = [];
    grafana.beforeAnswer = (method, _url, login) => {
      calls.push(`${login} ${method}`);
    };
    const results = await Promise.allSettled([
      user(grafana, 'alice').change('fp1', resolved(T0, 'alice'), { basedOn: seed.id }),
      user(grafana, 'bob').change('fp1', {}, { basedOn: seed.id }),
    ]);
    // Both checked before either wrote: the check alone could not have caught this.
    expect(calls.slice(0, 4)).toEqual(['alice GET', 'bob GET', 'alice POST', 'bob POST']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const rejection = (results[1] as PromiseRejectedResult).reason;
    expect(rejection).toBeInstanceOf(ErrorGroupConflict);
    expect(rejection.current.login).toBe('alice');
    const state = await user(grafana, 'carol', 'Viewer').load();
    expect(state.state.groups.fp1).toEqual(resolved(T0, 'alice'));
    expect(grafana.annotations().map((a) => a.login)).toEqual(['seed', 'alice']);
  });

  it('a losing change that could not be taken back still never becomes the state', async () => {
    const grafana = fakeGrafana();
    const alice = grafana.as('alice', 'Editor');
    const base = { pulse: 'error-group', fingerprint: 'fp1', basedOn: 0 };
    await alice.post('/api/annotations', {
      time: T0,
      tags: ['pulse-error-group', 'fp:fp1'],
      data: { ...base, entry: resolved() },
    });
    await alice.post('/api/annotations', {
      time: T0 + 5,
      tags: ['pulse-error-group', 'fp:fp1'],
      data: { ...base, entry: muted() },
    });
    expect((await annotationsStore(() => alice).load()).state.groups.fp1).toEqual(resolved());
  });
});

describe('migration from the jsonData state of older versions', () => {
  const legacy = { version: 1, groups: { old1: resolved(T0 - 86_400_000), old2: muted() } };

  it('shows jsonData decisions of groups with no annotation and copies them once, never writing jsonData', async () => {
    const grafana = fakeGrafana({ jsonData: { lokiUid: 'loki', errorGroups: legacy } });
    const alice = user(grafana, 'alice');
    const first = await alice.load();
    expect(first.state.groups).toEqual(legacy.groups);
    expect(grafana.annotations().map((a) => a.tags)).toEqual([
      ['pulse', 'pulse-error-group', 'fp:old1', 'state:resolved', 'pulse-migrated'],
      ['pulse', 'pulse-error-group', 'fp:old2', 'state:muted', 'pulse-migrated'],
    ]);
    await alice.load();
    expect(grafana.annotations()).toHaveLength(2);
    expect(grafana.settingsPosts).toEqual([]);
    // After the next restart jsonData has no errorGroups: the decisions remain.
    grafana.provisionApp({ lokiUid: 'loki' });
    expect((await alice.load()).state.groups).toEqual(legacy.groups);
  });

  it('a group changed since (it has an annotation) keeps its annotation state, not jsonData', async () => {
    const grafana = fakeGrafana({ jsonData: { errorGroups: legacy } });
    await user(grafana, 'bob').change('old1', {}, { basedOn: 0 });
    expect((await user(grafana, 'alice').load()).state.groups.old1).toBeUndefined();
  });

  it('Viewers see the jsonData decisions without writing them', async () => {
    const grafana = fakeGrafana({ jsonData: { errorGroups: legacy } });
    expect((await user(grafana, 'vic', 'Viewer').load()).state.groups).toEqual(legacy.groups);
    expect(grafana.annotations()).toEqual([]);
  });

  it('reads the settings of this app', () => {
    expect(LEGACY_SETTINGS_URL).toBe(`/api/plugins/${PLUGIN_ID}/settings`);
  });
});
