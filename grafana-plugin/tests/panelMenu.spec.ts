// The panel menu, the table downloads and the exemplar link in a real Grafana (the compose stack;
// run by .github/workflows/e2e.yml). Jest checks the scene objects (src/scenes/panelMenu.test.tsx,
// src/scenes/exemplarLinks.test.ts); only a browser shows Grafana's PanelChrome menu, the download
// and the exemplar tooltip.
import { expect, test } from '@grafana/plugin-e2e';
import pluginJson from '../src/plugin.json';
import { PAGE_QUERY } from './appPages';

test.describe.configure({ timeout: 120_000 });

test('overview: a panel menu offers Inspect and Explore, and Inspect › Download CSV saves the panel data', async ({
  gotoAppPage,
  page,
  selectors,
}) => {
  const appPage = await gotoAppPage({ pluginId: pluginJson.id, path: `overview?${PAGE_QUERY}` });
  const panel = appPage.getByGrafanaSelector(selectors.components.Panels.Panel.title('Requests')).first();
  await expect(panel.locator('canvas').first()).toBeVisible({ timeout: 30_000 });
  await panel.hover();
  await appPage.getByGrafanaSelector(selectors.components.Panels.Panel.menu('Requests')).click({ force: true });
  await expect(page.getByRole('menuitem', { name: 'Explore' })).toBeVisible();
  await page.getByRole('menuitem', { name: 'Inspect' }).hover();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^requests-.*\.csv$/);
  const text = await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  expect(text.split('\r\n')[0]).toMatch(/^Time,/);
});

test('errors: the groups table downloads the rows it shows', async ({ gotoAppPage, page }) => {
  await gotoAppPage({ pluginId: pluginJson.id, path: `errors?${PAGE_QUERY}` });
  const groups = page.getByTestId('pulse-error-groups');
  await groups.getByRole('radio', { name: 'All' }).check({ force: true });
  const rows = groups.locator('[data-testid^="error-group-"]');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  const download = page.waitForEvent('download');
  await groups.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  const lines = text.split('\r\n').filter(Boolean);
  expect(lines[0]).toBe('Status,Error,Fingerprint,Type,Routes,Count,First seen,Last seen');
  expect(lines).toHaveLength((await rows.count()) + 1);
});

test('overview: an exemplar of the latency panel links to its request events in Explore (Loki)', async ({
  gotoAppPage,
  page,
  selectors,
}) => {
  const appPage = await gotoAppPage({ pluginId: pluginJson.id, path: `overview?${PAGE_QUERY}` });
  const panel = appPage.getByGrafanaSelector(selectors.components.Panels.Panel.title('Latency')).first();
  const marker = panel.getByTestId(selectors.components.DataSource.Prometheus.exemplarMarker).first();
  await expect(marker).toBeVisible({ timeout: 60_000 });
  await marker.click();
  const link = page.getByRole('link', { name: /Events of this request \(Loki\)/ }).first();
  await expect(link).toBeVisible();
  const href = decodeURIComponent((await link.getAttribute('href')) ?? '');
  expect(href).toContain('/explore');
  expect(href).toMatch(/service_name=\\"(demo|payments)\\"/);
  expect(href).toMatch(/trace_id=\\"[0-9a-f]+\\"/);
});
