import { GraphDrawStyle } from '@grafana/schema';
import { PanelBuilders, SceneAppPage, SceneFlexItem, type SceneRouteMatch } from '@grafana/scenes';
import { errorDetailPath, errorDetailQueries, fingerprintFromPathParam } from '../../queries/errors';
import { pageScene, type PageContext } from '../../scenes/page';
import { column, logsPanel, row } from '../../scenes/panels';
import { lokiRunner } from '../../scenes/runners';
import { PRESERVED_URL_KEYS } from '../../scenes/variables';
import { ErrorGroupStatusBar, LatestOccurrence } from './ErrorDetail';

/** Error detail: the drill-down below Errors; the group's fingerprint is the URL segment after /errors/. */
export function errorDetailPage(
  match: SceneRouteMatch<{ fingerprint?: string }>,
  parent: SceneAppPage,
  ctx: PageContext
): SceneAppPage {
  const fingerprint = fingerprintFromPathParam(match.params.fingerprint);
  const q = errorDetailQueries(fingerprint);
  return new SceneAppPage({
    title: `Error group ${fingerprint}`,
    subTitle: 'Its latest occurrence (stack, request context), occurrences over time and every event.',
    url: errorDetailPath(fingerprint),
    routePath: ':fingerprint/*',
    getParentPage: () => parent,
    preserveUrlKeys: PRESERVED_URL_KEYS,
    getScene: () =>
      pageScene(
        ctx,
        column(
          new SceneFlexItem({ body: new ErrorGroupStatusBar(fingerprint) }),
          row(
            240,
            PanelBuilders.timeseries()
              .setTitle('Occurrences')
              .setDescription('Error events of this group per step, by route (Loki).')
              .setData(lokiRunner([q.occurrences()]))
              .setUnit('short')
              .setNoValue('No event of this group in the selected range.')
              .setCustomFieldConfig('drawStyle', GraphDrawStyle.Bars)
              .setCustomFieldConfig('fillOpacity', 80)
              .build()
          ),
          new SceneFlexItem({ minHeight: 400, body: new LatestOccurrence(fingerprint) }),
          row(
            400,
            logsPanel('Occurrences (events)', [q.events()], {
              noValue: 'No event of this group in the selected range.',
            })
          )
        )
      ),
  });
}
