// The annotation layers of the pages with time series over a service (Overview, Route detail,
// Runtime): starts, graceful stops and crashes from Loki, on every time series of the page.
import { dataLayers, type SceneDataLayerProvider } from '@grafana/scenes';
import { lifecycleAnnotations } from '../queries/annotations';
import { LOKI_DS } from './datasources';

export function lifecycleLayers(): SceneDataLayerProvider[] {
  return lifecycleAnnotations().map(
    (a) =>
      new dataLayers.AnnotationsDataLayer({
        name: a.name,
        isEnabled: true,
        query: {
          name: a.name,
          enable: true,
          iconColor: a.iconColor,
          datasource: LOKI_DS,
          expr: a.expr,
          titleFormat: a.titleFormat,
          textFormat: a.textFormat,
          tagKeys: a.tagKeys,
          instant: false,
        },
      })
  );
}
