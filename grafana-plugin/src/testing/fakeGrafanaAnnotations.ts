// Grafana's annotations and plugin-settings HTTP API in memory, for the error-group store tests.
// It follows Grafana's code (pkg/api/annotations.go, pkg/services/annotations/annotationsimpl/
// xorm_store.go, pkg/services/tag, pkg/api/accesscontrol.go):
// - POST /api/annotations assigns the next id (auto-increment), epoch = `time` (or now), parses
//   tags into key:value pairs (split at the first colon, trimmed), keeps `data`, records the
//   user's login, answers `{ message: 'Annotation added', id }`; 403 without annotations:create
//   (Viewers: fixed:annotations:writer is granted to Editor, inherited by Admin).
// - GET /api/annotations: `type=annotation` (no alert annotations), `tags` repeated, matchAny=false
//   keeps annotations whose tags match every queried tag (a tag without a value matches the key
//   alone), ordered by epoch_end then epoch, both descending (ties in no defined order: here the
//   oldest id first, so nothing may rely on ties), `limit` (default 100).
// - DELETE /api/annotations/:id; 403 for Viewers.
// Every call yields to the event loop first, so concurrent callers interleave as over HTTP.

export type Role = 'Viewer' | 'Editor' | 'Admin';

interface Stored {
  id: number;
  epoch: number;
  tags: string[];
  pairs: Array<{ key: string; value: string }>;
  text: string;
  data: unknown;
  login: string;
}

function parsePair(tag: string): { key: string; value: string } {
  const t = tag.trim();
  const i = t.indexOf(':');
  return i < 0 ? { key: t, value: '' } : { key: t.slice(0, i).trim(), value: t.slice(i + 1).trim() };
}

function httpError(status: number, message: string) {
  return Object.assign(new Error(message), { status, data: { message } });
}

export interface FakeGrafana {
  as(
    login: string,
    role: Role
  ): {
    get<T>(url: string): Promise<T>;
    post<T>(url: string, body?: unknown): Promise<T>;
    delete<T>(url: string): Promise<T>;
  };
  /** What file provisioning does on every start: the app's whole jsonData replaced. */
  provisionApp(jsonData: Record<string, unknown>): void;
  annotations(): Stored[];
  settingsPosts: unknown[];
  /** Runs before each request is answered (tests use it to interleave users). */
  beforeAnswer?: (method: string, url: string, login: string) => Promise<void> | void;
}

export function fakeGrafana(initial: { jsonData?: Record<string, unknown> } = {}): FakeGrafana {
  const store: Stored[] = [];
  let nextId = 1;
  let jsonData: Record<string, unknown> = JSON.parse(JSON.stringify(initial.jsonData ?? {}));
  const fake: FakeGrafana = {
    settingsPosts: [],
    annotations: () => store.map((a) => ({ ...a })),
    provisionApp(data) {
      jsonData = JSON.parse(JSON.stringify(data));
    },
    as(login, role) {
      const canWrite = role !== 'Viewer';
      const answer = async <T>(method: string, url: string, run: () => unknown): Promise<T> => {
        await new Promise((r) => setTimeout(r, 0));
        await fake.beforeAnswer?.(method, url, login);
        return JSON.parse(JSON.stringify(run() ?? null)) as T;
      };
      return {
        get: (url) =>
          answer('GET', url, () => {
            const u = new URL(url, 'http://grafana');
            if (u.pathname === '/api/plugins/pulseapm-pulse-app/settings') {
              return { enabled: true, pinned: true, jsonData };
            }
            if (u.pathname !== '/api/annotations') {
              throw httpError(404, `not found: ${u.pathname}`);
            }
            const type = u.searchParams.get('type');
            if (type !== null && type !== 'annotation' && type !== 'alert') {
              throw httpError(400, 'bad type');
            }
            if (type === 'alert') {
              return [];
            }
            const wanted = u.searchParams.getAll('tags').map(parsePair);
            const matchAny = u.searchParams.get('matchAny') === 'true';
            const limit = Number(u.searchParams.get('limit') ?? '0') || 100;
            const matches = (a: Stored) => {
              const hits = a.pairs.filter((p) =>
                wanted.some((w) => w.key === p.key && (w.value === '' || w.value === p.value))
              ).length;
              return wanted.length === 0 || (matchAny ? hits > 0 : hits === wanted.length);
            };
            return store
              .filter(matches)
              .sort((a, b) => b.epoch - a.epoch || a.id - b.id)
              .slice(0, limit)
              .map((a) => ({
                id: a.id,
                time: a.epoch,
                timeEnd: a.epoch,
                dashboardUID: '',
                panelId: 0,
                tags: a.tags,
                text: a.text,
                data: a.data,
                login: a.login,
              }));
          }),
        post: (url, body) =>
          answer('POST', url, () => {
            if (url === '/api/plugins/pulseapm-pulse-app/settings') {
              fake.settingsPosts.push(body);
              throw httpError(403, 'test: the store must not write jsonData');
            }
            if (url !== '/api/annotations') {
              throw httpError(404, `not found: ${url}`);
            }
            if (!canWrite) {
              throw httpError(403, 'You are not permitted to create annotations');
            }
            const b = body as { time?: number; tags?: string[]; text?: string; data?: unknown };
            const tags = (b.tags ?? []).map((t) => {
              const p = parsePair(t);
              return p.value ? `${p.key}:${p.value}` : p.key;
            });
            const id = nextId++;
            store.push({
              id,
              epoch: b.time || Date.now(),
              tags,
              pairs: (b.tags ?? []).map(parsePair),
              text: b.text ?? '',
              data: b.data ?? null,
              login,
            });
            return { message: 'Annotation added', id };
          }),
        delete: (url) =>
          answer('DELETE', url, () => {
            const m = /^\/api\/annotations\/(\d+)$/.exec(url);
            if (!m) {
              throw httpError(404, `not found: ${url}`);
            }
            if (!canWrite) {
              throw httpError(403, 'You are not permitted to delete annotations');
            }
            const i = store.findIndex((a) => a.id === Number(m[1]));
            if (i >= 0) {
              store.splice(i, 1);
            }
            return { message: 'Annotation deleted' };
          }),
      };
    },
  };
  return fake;
}
