import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { errorDetailPath } from '../../queries/errors';
import type { ClassifiedErrorGroup, ErrorOccurrence } from './errorGroups';
import { captureDownloads } from '../../testing/downloads';
import { fakeGrafana } from '../../testing/fakeGrafanaAnnotations';
import { errorGroupsStore } from './errorGroupsApi';
import { EMPTY_ERROR_GROUPS } from './errorGroupState';
import { actionsFor, applyAction, ErrorGroupsList, ErrorGroupsTable } from './ErrorGroupsTable';
import { OccurrenceView } from './ErrorDetail';

const T = Date.parse('2026-11-20T10:00:00Z');
const g = (fingerprint: string, status: ClassifiedErrorGroup['status'], count = 3): ClassifiedErrorGroup => ({
  fingerprint,
  status,
  count,
  errorTypes: ['internal'],
  routes: ['/orders/:id'],
  firstSeen: T,
  lastSeen: T + 60_000,
  lastSeenFrom: T + 30_000,
});
const latest = new Map<string, ErrorOccurrence>([
  ['f-open', { time: T, fingerprint: 'f-open', message: 'cannot read x of undefined', errorClass: 'TypeError' }],
]);

function list(overrides: Partial<React.ComponentProps<typeof ErrorGroupsList>> = {}) {
  const onAction = jest.fn();
  const onShow = jest.fn();
  render(
    <ErrorGroupsList
      groups={[g('f-reg', 'regressed'), g('f-open', 'open', 9), g('f-muted', 'muted'), g('f-res', 'resolved')]}
      latest={latest}
      show="active"
      onShow={onShow}
      onAction={onAction}
      {...overrides}
    />
  );
  return { onAction, onShow };
}

describe('error groups list', () => {
  it('shows what needs attention by default (open and regressions), with class, message and link to the detail', () => {
    list();
    const rows = screen.getAllByTestId(/^error-group-/);
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual(['error-group-f-reg', 'error-group-f-open']);
    const open = screen.getByTestId('error-group-f-open');
    expect(within(open).getByText('Open')).toBeInTheDocument();
    expect(within(open).getByText('9')).toBeInTheDocument();
    const link = within(open).getByRole('link', { name: /TypeError: cannot read x of undefined/ });
    expect(link.getAttribute('href')!.startsWith(errorDetailPath('f-open'))).toBe(true);
    expect(within(screen.getByTestId('error-group-f-reg')).getByText('Regression')).toBeInTheDocument();
  });

  it('"All" shows muted and resolved groups too', () => {
    list({ show: 'all' });
    expect(screen.getAllByTestId(/^error-group-/)).toHaveLength(4);
    expect(within(screen.getByTestId('error-group-f-muted')).getByText('Muted')).toBeInTheDocument();
    expect(within(screen.getByTestId('error-group-f-res')).getByText('Resolved')).toBeInTheDocument();
  });

  it('the buttons fire the action for their group', () => {
    const { onAction } = list();
    fireEvent.click(within(screen.getByTestId('error-group-f-open')).getByRole('button', { name: 'Mute' }));
    fireEvent.click(within(screen.getByTestId('error-group-f-reg')).getByRole('button', { name: 'Resolve' }));
    expect(onAction.mock.calls).toEqual([
      ['mute', 'f-open'],
      ['resolve', 'f-reg'],
    ]);
  });

  it('says why the list is empty', () => {
    list({ groups: [] });
    expect(screen.getByText(/No error events in this range/)).toBeInTheDocument();
  });

  it('says how many groups are hidden when nothing needs attention', () => {
    list({ groups: [g('f-muted', 'muted'), g('f-res', 'resolved')] });
    expect(screen.getByText(/Nothing needs attention: 2 muted or resolved group/)).toBeInTheDocument();
  });
});

describe('error groups download', () => {
  it('CSV and JSON hold exactly the rows shown: header, every cell, escaped, formulas guarded', async () => {
    const capture = captureDownloads();
    try {
      const hostile = new Map<string, ErrorOccurrence>([
        ['f-open', { time: T, fingerprint: 'f-open', message: 'bad "quote", comma\nnewline', errorClass: 'TypeError' }],
        ['f-reg', { time: T, fingerprint: 'f-reg', message: 'x', errorClass: '=HYPERLINK("http://evil")' }],
      ]);
      list({ latest: hostile });
      const shown = screen.getAllByTestId(/^error-group-/).map((tr) => {
        const td = [...tr.querySelectorAll('td')].map((c) => c.textContent ?? '');
        const title = tr.querySelector('a')!.textContent!;
        const fingerprint = td[1]!.slice(title.length);
        return [td[0], title, fingerprint, td[2], td[3], Number(td[4]), td[5], td[6]];
      });
      fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
      fireEvent.click(screen.getByRole('button', { name: 'Download JSON' }));
      const [csv, json] = await capture.files();
      const header = ['Status', 'Error', 'Fingerprint', 'Type', 'Routes', 'Count', 'First seen', 'Last seen'];
      expect(JSON.parse(json!.text)).toEqual(shown.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]]))));
      const lines = csv!.text.split('\r\n');
      expect(lines[0]).toBe(header.join(','));
      expect(shown[0]![1]).toBe('=HYPERLINK("http://evil"): x');
      expect(lines[1]!.split(',').slice(0, 2)).toEqual(['Regression', `"'=HYPERLINK(""http://evil""): x"`]);
      expect(csv!.text).toContain('"TypeError: bad ""quote"", comma\nnewline"');
      expect(lines).toHaveLength(shown.length + 2); // header, rows, and the final CRLF
    } finally {
      capture.restore();
    }
  });
});

describe('actions', () => {
  it('each status offers the actions that make sense', () => {
    expect(actionsFor('open')).toEqual(['resolve', 'mute']);
    expect(actionsFor('regressed')).toEqual(['resolve', 'reopen']);
    expect(actionsFor('muted')).toEqual(['resolve', 'unmute']);
    expect(actionsFor('resolved')).toEqual(['reopen']);
  });

  it('applyAction maps each action onto the state functions', () => {
    const now = new Date(T);
    const muted = applyAction(EMPTY_ERROR_GROUPS, 'mute', 'fp', now, 'ann');
    expect(muted.groups.fp).toEqual({ muted: { at: now.toISOString(), by: 'ann' } });
    expect(applyAction(muted, 'unmute', 'fp', now).groups.fp).toBeUndefined();
    const resolved = applyAction(EMPTY_ERROR_GROUPS, 'resolve', 'fp', now, 'ann');
    expect(resolved.groups.fp).toEqual({ resolved: { at: now.toISOString(), by: 'ann' } });
    expect(applyAction(resolved, 'reopen', 'fp', now).groups.fp).toBeUndefined();
  });
});

describe('ErrorGroupsTable scene object and the shared state', () => {
  it('act() saves the change as an annotation and keeps what was saved', async () => {
    const grafana = fakeGrafana();
    const table = new ErrorGroupsTable().useStore(errorGroupsStore(grafana.as('alice', 'Editor')));
    await table.act('resolve', 'fp1');
    expect(grafana.annotations()).toHaveLength(1);
    expect(table.state.errorGroups?.groups.fp1?.resolved).toBeDefined();
    expect(table.state.revisions?.fp1).toBe(grafana.annotations()[0]!.id);
    expect(table.state.saving).toBeUndefined();
    // The next change is based on the one just written: no false conflict.
    await table.act('reopen', 'fp1');
    expect(table.state.message).toBeUndefined();
    expect(table.state.errorGroups?.groups.fp1).toBeUndefined();
  });

  it('a refused save leaves the state alone and says why', async () => {
    const grafana = fakeGrafana();
    const table = new ErrorGroupsTable().useStore(errorGroupsStore(grafana.as('vic', 'Viewer')));
    await table.act('mute', 'fp1');
    expect(table.state.errorGroups).toBeUndefined();
    expect(table.state.message).toEqual({
      severity: 'error',
      text: expect.stringMatching(/Only Grafana Editors and Admins/),
    });
  });

  it("a change over someone else's newer decision is refused: the page shows theirs and tells the user", async () => {
    const grafana = fakeGrafana();
    const table = new ErrorGroupsTable().useStore(errorGroupsStore(grafana.as('alice', 'Editor')));
    // What the page read when it loaded: no decision for fp1 yet.
    const seen = await errorGroupsStore(grafana.as('alice', 'Editor')).load();
    table.setState({ errorGroups: seen.state, revisions: seen.revisions });
    await errorGroupsStore(grafana.as('bob', 'Editor')).change(
      'fp1',
      { resolved: { at: new Date(T).toISOString(), by: 'bob' } },
      { basedOn: 0 }
    );
    await table.act('mute', 'fp1');
    expect(table.state.message?.text).toMatch(/changed by bob since this page read it/);
    expect(table.state.errorGroups?.groups.fp1?.resolved?.by).toBe('bob');
    expect(grafana.annotations().map((a) => a.login)).toEqual(['bob']);
  });

  it('owns its groups query (Loki) and an events query for the group titles', () => {
    const table = new ErrorGroupsTable();
    expect(table.state.$data.state.queries[0]!.refId).toBe('groups');
    expect(table.state.events.state.queries[0]!.refId).toBe('latest');
  });
});

describe('latest occurrence', () => {
  it('shows message, request, stack, request context and trace id', () => {
    render(
      <OccurrenceView
        occurrence={{
          time: T,
          message: 'order 17 not found',
          errorClass: 'NotFoundError',
          errorType: 'not_found',
          route: '/orders/:id',
          method: 'GET',
          status: '404',
          traceId: 'abc123',
          stack: 'NotFoundError: order 17 not found\n    at load (src/orders.ts:12:5)',
          request: { url_path: '/orders/17', url_query: 'expand=1', headers: { 'user-agent': 'curl/8' } },
        }}
      />
    );
    expect(screen.getByRole('heading', { name: 'NotFoundError: order 17 not found' })).toBeInTheDocument();
    expect(screen.getByText(/at load \(src\/orders.ts:12:5\)/)).toBeInTheDocument();
    expect(screen.getByText('/orders/17')).toBeInTheDocument();
    expect(screen.getByText('expand=1')).toBeInTheDocument();
    expect(screen.getByText('curl/8')).toBeInTheDocument();
    expect(screen.getByText('abc123')).toBeInTheDocument();
    expect(screen.getByText(/GET \/orders\/:id → 404/)).toBeInTheDocument();
  });

  it('without an event in range, says to widen it', async () => {
    render(<OccurrenceView />);
    await waitFor(() => expect(screen.getByText(/widen the time range/)).toBeInTheDocument());
  });
});
