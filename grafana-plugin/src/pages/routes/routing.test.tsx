import React from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useParams } from 'react-router-dom';
import { buildAllPages, interpolate, queriesOf } from '../../testing/appQueries';
import { logqlNames } from '../../testing/names';
import { QueryVariable, sceneGraph } from '@grafana/scenes';
import {
  APP_BASE_URL,
  exemplarLogsDataLink,
  METHOD_VAR,
  operationDetailPath,
  routeDetailDataLink,
  routeDetailPath,
  routeFromPathParam,
  ROUTES_PATH,
} from '../../queries/links';

// What Grafana does to data-link templates: `${__value.raw:percentencode}` etc.
const linkValues = {
  '__value.raw': '',
  __from: '1700000000000',
  __to: '1700003600000',
  job: 'demo',
  env: '.*',
  loki: 'loki',
};
function interpolateLink(url: string, values: Record<string, string>): string {
  return url.replace(/\$\{([\w.]+)(?::(\w+))?\}/g, (_m, name: string, format?: string) => {
    const v = values[name];
    if (v === undefined) {
      throw new Error(`unexpected token ${name}`);
    }
    return format === 'percentencode' ? encodeURIComponent(v) : v;
  });
}

describe('route detail URLs', () => {
  const routes = ['/users/:id', '/api/v1/items/:itemId/reviews', '(unmatched)', '/a b/ü/%/:x?'];

  // The app renders `routes/*`, and the page renders its drill-down `:route/*` in nested <Routes>
  // (what SceneApp and SceneAppPage do): this is React Router's own matching of the real URL.
  function ShowRoute() {
    const { route } = useParams();
    return <output>{routeFromPathParam(route)}</output>;
  }
  function RoutesPage() {
    return (
      <Routes>
        <Route path=":route/*" element={<ShowRoute />} />
      </Routes>
    );
  }

  it.each(routes)('%s survives the trip URL → React Router params → route', (route) => {
    const path = routeDetailPath(route);
    expect(path.startsWith(`${APP_BASE_URL}/${ROUTES_PATH}/`)).toBe(true);
    render(
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path={`${APP_BASE_URL}/${ROUTES_PATH}/*`} element={<RoutesPage />} />
        </Routes>
      </MemoryRouter>
    );
    expect(screen.getByRole('status').textContent).toBe(route);
    // Raw (still encoded) segments, as an older router would pass them, decode too.
    expect(routeFromPathParam(encodeURIComponent(route))).toBe(route);
  });

  it('the drill-down page for a route shows it and queries only that route', () => {
    const route = '/orders/:orderId';
    const detail = buildAllPages(undefined, { route }).find((p) => p.name === 'routes/:route/*')!;
    expect(detail.page.state.title).toBe(route);
    expect(detail.page.state.url).toBe(routeDetailPath(route));
    expect(detail.page.state.getParentPage?.().state.url).toBe(`${APP_BASE_URL}/${ROUTES_PATH}`);
    const queries = queriesOf(detail);
    const prom = queries.filter((q) => q.datasource === 'prometheus');
    const loki = queries.filter((q) => q.datasource === 'loki');
    expect(prom.length).toBeGreaterThan(5);
    for (const q of prom) {
      expect(q.expr).toContain(`http_route="${route}"`);
    }
    for (const q of loki) {
      expect(q.expr).toContain(`| http_route="${route}"`);
    }
  });

  it('refuses a missing route segment, naming what it expected', () => {
    expect(() => routeFromPathParam(undefined)).toThrow(/expected \/routes\/<encoded route>/);
  });

  it('the table data link produces the same path and keeps time range and variables', () => {
    const link = routeDetailDataLink();
    const url = interpolateLink(link.url.replace('${__url_time_range}&${__all_variables}', ''), {
      ...linkValues,
      '__value.raw': '/users/:id',
    });
    expect(url.replace(/\?$/, '')).toBe(routeDetailPath('/users/:id'));
    expect(link.url).toContain('${__url_time_range}');
    expect(link.url).toContain('${__all_variables}');
  });
});

describe('exemplar → Loki link', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const url = interpolateLink(exemplarLogsDataLink().url, { ...linkValues, '__value.raw': traceId });
  const panes = JSON.parse(new URL(url, 'http://grafana').searchParams.get('panes')!) as Record<
    string,
    { datasource: string; queries: Array<{ expr: string; datasource: { uid: string } }>; range: { from: string } }
  >;
  const pane = Object.values(panes)[0]!;

  it('opens Explore on the app Loki data source', () => {
    expect(url.startsWith('/explore?')).toBe(true);
    expect(pane.datasource).toBe('loki');
    expect(pane.queries[0]!.datasource.uid).toBe('loki');
    expect(pane.range.from).toBe(linkValues.__from);
  });

  it("queries that one request's events by trace id, with valid LogQL", () => {
    const expr = pane.queries[0]!.expr;
    expect(expr).toContain(`trace_id="${traceId}"`);
    expect(expr).toContain('service_name="demo"');
    expect(logqlNames(interpolate(expr)).errors).toEqual([]);
  });
});

describe('route detail is per operation (method + route)', () => {
  const route = '/users/:id';
  const detail = buildAllPages(undefined, { route }).find((p) => p.name === 'routes/:route/*')!;
  const queries = queriesOf(detail);

  it('has a method picker listing the methods this route answered ("All" = every method)', () => {
    const method = sceneGraph.lookupVariable(METHOD_VAR, detail.scene) as QueryVariable;
    expect(method).toBeInstanceOf(QueryVariable);
    expect(method.state.query).toMatchObject({
      query: `label_values(http_server_request_duration_seconds_count{job="$job", instance=~"$instance", http_route="${route}"}, http_request_method)`,
    });
    expect(method.state).toMatchObject({ isMulti: true, includeAll: true, allValue: '.*' });
  });

  it('narrows its HTTP series and request events to the picked methods, and breaks them down per method', () => {
    // Queries per request divides pulse_db_route_queries_total, which has no method label: it covers every method.
    const http = queries.filter(
      (q) =>
        q.datasource === 'prometheus' && q.expr.includes('http_server_request') && q.panel !== 'Queries per request'
    );
    expect(http.length).toBeGreaterThan(5);
    for (const q of http) {
      expect(q.expr).toContain(`http_route="${route}", http_request_method=~"$method"`);
    }
    for (const q of queries.filter((x) => x.panel === 'Errors' || x.panel === 'Slow requests')) {
      expect(q.expr).toMatch(/\| http_request_method=~"\$method"$/);
      expect(logqlNames(interpolate(q.expr)).errors).toEqual([]);
    }
    const methods = queries.filter((q) => q.panel === 'Methods');
    expect(methods.map((q) => q.refId)).toEqual(['rate', 'errors', 'p95']);
    for (const q of methods) {
      expect(q.expr).toMatch(/by \((le, )?http_request_method\)/);
    }
  });

  it('a table link with the method opens GET and DELETE of the same route as different pages', () => {
    const link = routeDetailDataLink({ withMethod: true });
    const open = (method: string) =>
      interpolateLink(link.url.replace('${__url_time_range}&${__all_variables}', ''), {
        ...linkValues,
        '__value.raw': route,
        '__data.fields.http_request_method': method,
      });
    expect(open('GET')).toBe(`${operationDetailPath(route, 'GET')}&`);
    expect(open('DELETE')).toBe(`${operationDetailPath(route, 'DELETE')}&`);
    expect(new URL(open('DELETE'), 'http://grafana').searchParams.get(`var-${METHOD_VAR}`)).toBe('DELETE');
  });
});
