import React from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useParams } from 'react-router-dom';
import { sceneGraph } from '@grafana/scenes';
import { APP_BASE_URL } from '../../queries/links';
import { ERRORS_PATH, ERRORS_VAR, errorDetailPath, fingerprintFromPathParam } from '../../queries/errors';
import { buildAllPages, queriesOf } from '../../testing/appQueries';
import { ErrorGroupStatusBar, LatestOccurrence } from './ErrorDetail';
import { ErrorGroupsTable } from './ErrorGroupsTable';

describe('errors/:fingerprint drill-down', () => {
  function ShowFingerprint() {
    const { fingerprint } = useParams();
    return <output>{fingerprintFromPathParam(fingerprint)}</output>;
  }

  it.each(['0123456789abcdef', 'with space/and%'])('%s survives URL → React Router params → fingerprint', (fp) => {
    const path = errorDetailPath(fp);
    expect(path.startsWith(`${APP_BASE_URL}/${ERRORS_PATH}/`)).toBe(true);
    render(
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route
            path={`${APP_BASE_URL}/${ERRORS_PATH}/*`}
            element={
              <Routes>
                <Route path=":fingerprint/*" element={<ShowFingerprint />} />
              </Routes>
            }
          />
        </Routes>
      </MemoryRouter>
    );
    expect(screen.getByRole('status').textContent).toBe(fp);
    expect(fingerprintFromPathParam(encodeURIComponent(fp))).toBe(fp);
  });

  it('refuses a missing fingerprint, naming what it expected', () => {
    expect(() => fingerprintFromPathParam(undefined)).toThrow(/expected \/errors\/<fingerprint>/);
    expect(() => fingerprintFromPathParam('  ')).toThrow(/fingerprint/);
  });

  const pages = buildAllPages(undefined, { fingerprint: 'deadbeefcafe0001' });
  const detail = pages.find((p) => p.name === 'errors/:fingerprint/*')!;

  it('the drill-down page sits below Errors and queries only that fingerprint', () => {
    expect(detail.page.state.url).toBe(errorDetailPath('deadbeefcafe0001'));
    expect(detail.page.state.getParentPage?.().state.url).toBe(`${APP_BASE_URL}/${ERRORS_PATH}`);
    const queries = queriesOf(detail);
    expect(queries.length).toBeGreaterThanOrEqual(3);
    for (const q of queries) {
      expect(q.datasource).toBe('loki');
      expect(q.expr).toContain('| fingerprint="deadbeefcafe0001"');
    }
    const objects = sceneGraph.findAllObjects(detail.scene, () => true);
    expect(objects.some((o) => o instanceof ErrorGroupStatusBar)).toBe(true);
    expect(objects.some((o) => o instanceof LatestOccurrence)).toBe(true);
  });

  it('the Errors page has the type and route filters and the groups table', () => {
    const errors = pages.find((p) => p.name === ERRORS_PATH)!;
    const names = sceneGraph.getVariables(errors.scene).state.variables.map((v) => v.state.name);
    expect(names).toEqual(expect.arrayContaining([ERRORS_VAR.type, ERRORS_VAR.route]));
    expect(sceneGraph.findAllObjects(errors.scene, (o) => o instanceof ErrorGroupsTable)).toHaveLength(1);
    const filtered = queriesOf(errors).filter((q) => q.panel !== 'No errors recorded');
    for (const q of filtered) {
      expect(q.expr).toContain(`$${ERRORS_VAR.type}`);
      expect(q.expr).toContain(`$${ERRORS_VAR.route}`);
    }
  });
});
