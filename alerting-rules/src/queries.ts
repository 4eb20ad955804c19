// The shared query modules, imported from source (Node-free, no build needed): the rules use the
// same builders as the Grafana app and dashboards.
export * as promql from '../../exporter/src/queries/promql';
export * as logql from '../../exporter/src/queries/logql';
export * as catalog from '../../exporter/src/catalog/index';
