// Takes the plugin catalog's screenshots (tests/catalogScreenshots.ts) in a real Grafana from the
// repository's compose stack, into src/img/. CI uploads them (`pulse-catalog-screenshots`); commit
// them and list them in src/plugin.json `info.screenshots` (a jest test asks for it once they exist).
import { expect, test } from '@grafana/plugin-e2e';
import path from 'node:path';
import pluginJson from '../src/plugin.json';
import { PAGE_QUERY } from './appPages';
import { CATALOG_SCREENSHOTS, SCREENSHOT_DIR } from './catalogScreenshots';

test.describe.configure({ timeout: 120_000 });
test.use({ viewport: { width: 1600, height: 1000 } });

for (const shot of CATALOG_SCREENSHOTS) {
  test(`catalog screenshot: ${shot.name}`, async ({ gotoAppPage, page, selectors }) => {
    const appPage = await gotoAppPage({ pluginId: pluginJson.id, path: `${shot.path}?${PAGE_QUERY}` });
    for (const title of shot.panels) {
      const panel = appPage.getByGrafanaSelector(selectors.components.Panels.Panel.title(title)).first();
      await expect(panel).toBeVisible({ timeout: 30_000 });
      await expect(panel.getByText('No data', { exact: true })).toHaveCount(0);
    }
    // Let the last queries land (loading bars gone) before the picture.
    await expect(page.getByLabel('Panel loading bar')).toHaveCount(0, { timeout: 30_000 });
    await page.screenshot({ path: path.join(__dirname, '..', SCREENSHOT_DIR, shot.file) });
  });
}
