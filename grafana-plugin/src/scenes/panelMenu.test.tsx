import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { FieldType, LoadingState, getDefaultTimeRange, toDataFrame } from '@grafana/data';
import { SceneDataNode, SceneFlexLayout, SceneFlexItem, VizPanel, VizPanelMenu, sceneGraph } from '@grafana/scenes';
import { buildAllPages } from '../testing/appQueries';
import { captureDownloads } from '../testing/downloads';
import { addPanelMenus, MENU_TEXT, PanelInspect } from './panelMenu';

// Grafana's Drawer measures itself; jsdom has no layout (and no ResizeObserver).
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const pages = buildAllPages({ prometheusUid: 'prom-uid', lokiUid: 'loki-uid' });
const panels = pages.flatMap((p) =>
  (sceneGraph.findAllObjects(p.scene, (o) => o instanceof VizPanel) as VizPanel[]).map(
    (panel) => [`${p.name}: ${panel.state.title || panel.state.pluginId}`, panel] as const
  )
);

describe("every panel of every page has Grafana's panel menu", () => {
  it('the pages have panels to check', () => {
    expect(panels.length).toBeGreaterThan(20);
  });

  it.each(panels)('%s: Inspect (data, query, CSV, JSON) and Explore', (_name, panel) => {
    const menu = panel.state.menu;
    expect(menu).toBeInstanceOf(VizPanelMenu);
    const items = menu!.state.items ?? [];
    expect(items.map((i) => i.text)).toEqual([MENU_TEXT.inspect, MENU_TEXT.explore]);
    expect(items[0]!.subMenu!.map((i) => i.text)).toEqual([
      MENU_TEXT.data,
      MENU_TEXT.query,
      MENU_TEXT.csv,
      MENU_TEXT.json,
    ]);
    const actions = panel.state.headerActions;
    expect((Array.isArray(actions) ? actions : [actions]).filter((a) => a instanceof PanelInspect)).toHaveLength(1);
  });
});

describe('the menu acts on its panel', () => {
  function panelWithData() {
    const frame = toDataFrame({
      refId: 'A',
      fields: [
        { name: 'http_route', type: FieldType.string, values: ['/users/:id', '=1+1'] },
        { name: 'Requests', type: FieldType.number, values: [12.5, 3] },
      ],
    });
    const panel = new VizPanel({
      title: 'Top routes',
      pluginId: 'table',
      $data: new SceneDataNode({
        data: { state: LoadingState.Done, series: [frame], timeRange: getDefaultTimeRange() },
      }),
    });
    addPanelMenus(new SceneFlexLayout({ children: [new SceneFlexItem({ body: panel })] }));
    return panel;
  }
  const item = (panel: VizPanel, text: string) =>
    panel.state.menu!.state.items![0]!.subMenu!.find((i) => i.text === text)!;

  it('Inspect › Data opens the drawer on the data, with the rows and the downloads', async () => {
    const panel = panelWithData();
    item(panel, MENU_TEXT.data).onClick!({} as React.MouseEvent);
    const inspect = (panel.state.headerActions as unknown[]).find((a) => a instanceof PanelInspect) as PanelInspect;
    expect(inspect.state.tab).toBe('data');
    render(<inspect.Component model={inspect} />);
    const data = await screen.findByTestId('pulse-inspect-data');
    expect(within(data).getByText('/users/:id')).toBeInTheDocument();
    expect(within(data).getByRole('button', { name: /Download CSV/ })).toBeInTheDocument();
  });

  it('Inspect › Query shows each query as sent (variables interpolated)', async () => {
    const page = pages.find((p) => p.name === 'overview')!;
    const panel = sceneGraph.findObject(
      page.scene,
      (o) => o instanceof VizPanel && o.state.title === 'Latency'
    ) as VizPanel;
    const inspect = (panel.state.headerActions as unknown[]).find((a) => a instanceof PanelInspect) as PanelInspect;
    panel.state.menu!.state.items![0]!.subMenu!.find((i) => i.text === MENU_TEXT.query)!.onClick!(
      {} as React.MouseEvent
    );
    render(<inspect.Component model={inspect} />);
    const query = await screen.findByTestId('pulse-inspect-query');
    expect(query.textContent).toContain('http_server_request_duration_seconds_bucket');
    expect(query.textContent).toContain('data source prom-uid');
  });

  it('Download CSV / JSON hand over exactly the panel rows, formulas guarded', async () => {
    const capture = captureDownloads();
    try {
      const panel = panelWithData();
      item(panel, MENU_TEXT.csv).onClick!({} as React.MouseEvent);
      item(panel, MENU_TEXT.json).onClick!({} as React.MouseEvent);
      const [csv, json] = await capture.files();
      expect(csv!.name).toMatch(/^top-routes-.*\.csv$/);
      expect(csv!.type).toMatch(/^text\/csv/);
      expect(csv!.text).toBe("http_route,Requests\r\n/users/:id,12.5\r\n'=1+1,3\r\n");
      expect(JSON.parse(json!.text)[0].data.values).toEqual([
        ['/users/:id', '=1+1'],
        [12.5, 3],
      ]);
    } finally {
      capture.restore();
    }
  });
});
