// Services: the app's landing page. Every service of the environment with its RED numbers,
// health, instances and firing alerts, and the map of who calls whom; each links to its Overview.
import { PanelBuilders, SceneDataTransformer, sceneGraph, type VizPanel } from '@grafana/scenes';
import { TableCellDisplayMode, VariableHide } from '@grafana/schema';
import { APP_BASE_URL } from '../../queries/links';
import { servicesQueries } from '../../queries/services';
import { VAR } from '../../queries/variables';
import { definePage, type PulsePage } from '../../scenes/page';
import { column, HEALTH_MAPPINGS, row, thresholds } from '../../scenes/panels';
import { promRunner } from '../../scenes/runners';
import { serviceMapTransform } from './serviceMap';
import { SERVICE_COLUMNS as COL, servicesTableTransform } from './servicesTable';

const NO_SERVICES =
  'No Pulse service reports in this environment: Prometheus scrapes no exporter (`pulse.mount(app)`, a scrape job per service).';

/** Keys a link into a service's pages carries: the time range, environment and data sources. */
const KEEP = ['${__url_time_range}', ...[VAR.env, VAR.prometheus, VAR.loki].map((v) => `\${${v}:queryparam}`)].join(
  '&'
);

export function serviceOverviewLink(): { title: string; url: string } {
  return {
    title: 'Overview of ${__value.raw}',
    url: `${APP_BASE_URL}/overview?var-${VAR.service}=\${__value.raw:percentencode}&${KEEP}`,
  };
}

function servicesTable(): VizPanel {
  return PanelBuilders.table()
    .setTitle('Services')
    .setDescription(
      'Every service over the selected range: requests/s, share of 5xx, p95 latency, worst instance health, instances and processes reporting (each worker of an instance run as a cluster is a process) and alerts firing now. Click a column to sort, a service to open it.'
    )
    .setData(
      new SceneDataTransformer({
        $data: promRunner(servicesQueries.table()),
        transformations: [servicesTableTransform()],
      })
    )
    .setNoValue(NO_SERVICES)
    .setOption('sortBy', [{ displayName: COL.rate, desc: true }])
    .setOverrides((b) => {
      b.matchFieldsWithName(COL.service).overrideLinks([serviceOverviewLink()]);
      b.matchFieldsWithName(COL.rate).overrideUnit('reqps').overrideDecimals(2);
      b.matchFieldsWithName(COL.errors)
        .overrideUnit('percentunit')
        .overrideDecimals(2)
        .overrideThresholds(
          thresholds([
            [0.01, 'orange'],
            [0.05, 'red'],
          ])
        )
        .overrideCustomFieldConfig('cellOptions', { type: TableCellDisplayMode.ColorText });
      b.matchFieldsWithName(COL.p95)
        .overrideUnit('s')
        .overrideThresholds(
          thresholds([
            [0.5, 'orange'],
            [1, 'red'],
          ])
        )
        .overrideCustomFieldConfig('cellOptions', { type: TableCellDisplayMode.ColorText });
      b.matchFieldsWithName(COL.health)
        .overrideMappings(HEALTH_MAPPINGS)
        .overrideNoValue('No health checks')
        .overrideCustomFieldConfig('cellOptions', { type: TableCellDisplayMode.ColorText });
      b.matchFieldsWithName(COL.instances).overrideDecimals(0);
      b.matchFieldsWithName(COL.processes).overrideDecimals(0);
      b.matchFieldsWithName(COL.alerts)
        .overrideDecimals(0)
        .overrideNoValue('unknown')
        .overrideThresholds(thresholds([[1, 'red']]))
        .overrideCustomFieldConfig('cellOptions', { type: TableCellDisplayMode.ColorText });
    })
    .build();
}

function serviceMap(): VizPanel {
  return PanelBuilders.nodegraph()
    .setTitle('Service map')
    .setDescription(
      'Every service and everything it calls, from each service\u2019s outgoing-call metrics: a call to a host or dependency named like a service is an edge to that service, anything else is an external node. Nodes: requests/s, p95 and the failed share as the red arc; edges: calls/s and error ratio. Click a node to open it.'
    )
    .setData(
      new SceneDataTransformer({ $data: promRunner(servicesQueries.map()), transformations: [serviceMapTransform] })
    )
    .setNoValue(NO_SERVICES)
    .build();
}

const base = definePage({
  id: 'services',
  title: 'Services',
  subTitle: 'Every service at a glance: traffic, errors, latency, health, instances, alerts, and who calls whom.',
  body: () => column(row(320, servicesTable()), row(520, serviceMap())),
});

/** Variables that pick one service make no sense on a page of all services: kept (URLs carry them on), hidden. */
const HIDDEN_VARIABLES: string[] = [VAR.service, VAR.instance];

export const servicesPage: PulsePage = {
  ...base,
  build(ctx) {
    const page = base.build(ctx);
    const getScene = page.state.getScene;
    page.setState({
      getScene: (match) => {
        const scene = getScene!(match);
        for (const v of sceneGraph.getVariables(scene).state.variables) {
          if (HIDDEN_VARIABLES.includes(v.state.name)) {
            v.setState({ hide: VariableHide.hideVariable });
          }
        }
        return scene;
      },
    });
    return page;
  },
};
