// Grafana's panel menu for the app's panels: Inspect (data with CSV / JSON download, query) and
// Explore. A Scenes app has no dashboard, so Grafana's inspect drawer is not available: the
// drawer here is the app's own (PanelInspect), kept in the panel's header actions so it renders
// wherever the panel does. Explore uses Scenes' getExploreURL (what VizPanelExploreButton uses).
import React from 'react';
import { css } from '@emotion/css';
import type { DataFrame, GrafanaTheme2, PanelMenuItem } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import {
  SceneObjectBase,
  VizPanel,
  VizPanelMenu,
  getExploreURL,
  sceneGraph,
  type SceneComponentProps,
  type SceneObject,
  type SceneObjectState,
} from '@grafana/scenes';
import { Button, Drawer, Stack, Tab, TabContent, TabsBar, useStyles2 } from '@grafana/ui';
import { downloadName, downloadText, framesToJson, framesToTable, toCsv } from './tableDownload';
import { tableStyles } from './tableStyles';

export const MENU_TEXT = {
  inspect: 'Inspect',
  data: 'Data',
  query: 'Query',
  csv: 'Download CSV',
  json: 'Download JSON',
  explore: 'Explore',
} as const;

type InspectTab = 'data' | 'query';

interface PanelInspectState extends SceneObjectState {
  tab?: InspectTab;
}

/** The inspect drawer of one panel: closed (renders nothing) until the menu opens it. */
export class PanelInspect extends SceneObjectBase<PanelInspectState> {
  static Component = PanelInspectRenderer;

  open(tab: InspectTab) {
    this.setState({ tab });
  }

  close() {
    this.setState({ tab: undefined });
  }

  panel(): VizPanel {
    if (!(this.parent instanceof VizPanel)) {
      throw new Error('PanelInspect: must be in a VizPanel (its header actions)');
    }
    return this.parent;
  }
}

/** The frames the panel draws (after its transformations). */
function panelFrames(panel: VizPanel): DataFrame[] {
  return sceneGraph.getData(panel).state.data?.series ?? [];
}

function titleOf(panel: VizPanel): string {
  return panel.state.title || 'panel';
}

export function downloadPanelData(panel: VizPanel, format: 'csv' | 'json'): void {
  const frames = panelFrames(panel);
  const text = format === 'csv' ? toCsv(framesToTable(frames)) : framesToJson(frames);
  downloadText(downloadName(titleOf(panel), format), text, format === 'csv' ? 'text/csv' : 'application/json');
}

async function openInExplore(panel: VizPanel): Promise<void> {
  const data = sceneGraph.getData(panel).state.data;
  if (!data) {
    return;
  }
  const url = await getExploreURL(data, panel, sceneGraph.getTimeRange(panel).state.value.raw);
  if (url) {
    locationService.push(url);
  }
}

function inspectOf(panel: VizPanel): PanelInspect {
  const actions = panel.state.headerActions;
  const found = (Array.isArray(actions) ? actions : [actions]).find((a) => a instanceof PanelInspect);
  if (!found) {
    throw new Error(`panel "${titleOf(panel)}" has no inspect drawer`);
  }
  return found as PanelInspect;
}

/** The menu items, acting on the panel the menu belongs to when clicked. */
export function panelMenuItems(panelOf: () => VizPanel): PanelMenuItem[] {
  return [
    {
      text: MENU_TEXT.inspect,
      iconClassName: 'info-circle',
      shortcut: 'i',
      onClick: () => inspectOf(panelOf()).open('data'),
      subMenu: [
        { text: MENU_TEXT.data, onClick: () => inspectOf(panelOf()).open('data') },
        { text: MENU_TEXT.query, onClick: () => inspectOf(panelOf()).open('query') },
        { text: MENU_TEXT.csv, onClick: () => downloadPanelData(panelOf(), 'csv') },
        { text: MENU_TEXT.json, onClick: () => downloadPanelData(panelOf(), 'json') },
      ],
    },
    {
      text: MENU_TEXT.explore,
      iconClassName: 'compass',
      shortcut: 'p x',
      onClick: () => void openInExplore(panelOf()),
    },
  ];
}

export function panelMenu(): VizPanelMenu {
  const menu: VizPanelMenu = new VizPanelMenu({});
  menu.setItems(
    panelMenuItems(() => {
      if (!(menu.parent instanceof VizPanel)) {
        throw new Error('panel menu: not attached to a panel');
      }
      return menu.parent;
    })
  );
  return menu;
}

/** Gives every panel below `root` the menu and its inspect drawer (panels that have a menu keep theirs). */
export function addPanelMenus<T extends SceneObject>(root: T): T {
  for (const panel of sceneGraph.findAllObjects(root, (o) => o instanceof VizPanel) as VizPanel[]) {
    if (panel.state.menu) {
      continue;
    }
    const actions = panel.state.headerActions;
    const kept = actions === undefined ? [] : Array.isArray(actions) ? actions : [actions];
    panel.setState({
      menu: panelMenu(),
      headerActions: [...(kept as SceneObject[]), new PanelInspect({})],
    });
  }
  return root;
}

/** Each query as the data source receives it (variables interpolated). */
export function panelQueries(panel: VizPanel): Array<{ refId: string; datasource: string; expr: string }> {
  const data = sceneGraph.getData(panel);
  const runner = sceneGraph.findObject(data, (o) => 'queries' in o.state && Array.isArray(o.state.queries)) ?? data;
  const state = runner.state as { queries?: Array<{ refId: string; expr?: string }>; datasource?: { uid?: string } };
  return (state.queries ?? []).map((q) => ({
    refId: q.refId,
    datasource: sceneGraph.interpolate(panel, state.datasource?.uid ?? ''),
    expr: sceneGraph.interpolate(panel, q.expr ?? ''),
  }));
}

function PanelInspectRenderer({ model }: SceneComponentProps<PanelInspect>) {
  const { tab } = model.useState();
  if (!tab) {
    return null;
  }
  return <InspectDrawer model={model} tab={tab} />;
}

const PREVIEW_ROWS = 100;

function InspectDrawer({ model, tab }: { model: PanelInspect; tab: InspectTab }) {
  const styles = useStyles2(getStyles);
  const panel = model.panel();
  const { data } = sceneGraph.getData(panel).useState();
  const table = framesToTable(data?.series ?? []);
  return (
    <Drawer
      title={`Inspect: ${titleOf(panel)}`}
      onClose={() => model.close()}
      size="md"
      tabs={
        <TabsBar>
          <Tab label={MENU_TEXT.data} active={tab === 'data'} onChangeTab={() => model.open('data')} />
          <Tab label={MENU_TEXT.query} active={tab === 'query'} onChangeTab={() => model.open('query')} />
        </TabsBar>
      }
    >
      <TabContent>
        {tab === 'data' ? (
          <div data-testid="pulse-inspect-data">
            <Stack direction="row" gap={1}>
              <Button icon="download-alt" variant="secondary" size="sm" onClick={() => downloadPanelData(panel, 'csv')}>
                {MENU_TEXT.csv}
              </Button>
              <Button
                icon="download-alt"
                variant="secondary"
                size="sm"
                onClick={() => downloadPanelData(panel, 'json')}
              >
                {MENU_TEXT.json}
              </Button>
            </Stack>
            <p className={styles.muted}>
              {table.rows.length} row(s){table.rows.length > PREVIEW_ROWS ? `, the first ${PREVIEW_ROWS} shown` : ''};
              downloads hold every row.
            </p>
            <table className={styles.table}>
              <thead>
                <tr>
                  {table.columns.map((c, i) => (
                    <th key={i}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.slice(0, PREVIEW_ROWS).map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => (
                      <td key={j}>{v === null || v === undefined ? '' : String(v)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <div data-testid="pulse-inspect-query">
            {panelQueries(panel).map((q) => (
              <div key={q.refId} className={styles.query}>
                <div className={styles.muted}>
                  {q.refId} · data source {q.datasource}
                </div>
                <pre>{q.expr}</pre>
              </div>
            ))}
            <Button icon="compass" variant="secondary" size="sm" onClick={() => void openInExplore(panel)}>
              Open in Explore
            </Button>
          </div>
        )}
      </TabContent>
    </Drawer>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  ...tableStyles(theme),
  muted: css({ color: theme.colors.text.secondary, margin: theme.spacing(1, 0) }),
  query: css({ marginBottom: theme.spacing(2) }),
});
