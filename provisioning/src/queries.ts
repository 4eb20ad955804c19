// The shared query modules and catalog, imported from source (Node-free, no build needed): the
// dashboards use the same builders as the Grafana app and the alert rules.
export * as promql from '../../exporter/src/queries/promql';
export * as logql from '../../exporter/src/queries/logql';
export * as catalog from '../../exporter/src/catalog/index';
