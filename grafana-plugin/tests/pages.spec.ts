// Opens every page of the Pulse app in a real Grafana (the repository's docker compose stack:
// `docker compose up -d --wait`, then `npx playwright test` here) and checks that the panels render
// with data and without errors. Not part of `npm test`: Playwright runs these, in CI
// (.github/workflows/e2e.yml) or on a machine with Docker.
import { expect, test, type AppPage } from '@grafana/plugin-e2e';
import type { Locator, Page } from '@playwright/test';
import pluginJson from '../src/plugin.json';
import { E2E_PAGES, PAGE_QUERY, type E2EPage, type PanelCheck } from './appPages';

// The compose stack scrapes every 15 s: give panels time to load their first data.
test.describe.configure({ timeout: 120_000 });

async function open(gotoAppPage: (args: { pluginId: string; path: string }) => Promise<AppPage>, spec: E2EPage) {
  return gotoAppPage({ pluginId: pluginJson.id, path: `${spec.path}?${PAGE_QUERY}` });
}

/** The panel's container: PanelChrome carries the `Panel header <title>` test id. */
function panelByTitle(
  appPage: AppPage,
  selectors: { components: { Panels: { Panel: { title(t: string): string } } } },
  title: string
): Locator {
  return appPage.getByGrafanaSelector(selectors.components.Panels.Panel.title(title)).first();
}

async function expectData(panel: Locator, check: PanelCheck) {
  await panel.scrollIntoViewIfNeeded();
  await expect(panel).toBeVisible();
  switch (check.kind) {
    case 'canvas':
      await expect(panel.locator('canvas').first()).toBeVisible({ timeout: 30_000 });
      break;
    case 'table':
      // Header row plus at least one data row.
      await expect.poll(() => panel.getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(1);
      break;
    case 'logs':
      await expect(panel.getByText('No data')).toHaveCount(0);
      await expect
        .poll(async () => (await panel.innerText()).split('\n').length, { timeout: 30_000 })
        .toBeGreaterThan(2);
      break;
    case 'nodegraph':
      await expect(panel.locator('svg').getByText(check.node, { exact: true }).first()).toBeVisible({
        timeout: 30_000,
      });
      break;
    case 'stat':
      await expect(panel).not.toContainText(check.emptyText, { timeout: 30_000 });
      break;
  }
  await expect(panel.getByText('No data', { exact: true })).toHaveCount(0);
}

async function expectNoPanelErrors(
  page: Page,
  selectors: { components: { Panels: { Panel: { status(s: string): string } } } }
) {
  await expect(page.getByTestId(selectors.components.Panels.Panel.status('error'))).toHaveCount(0);
}

for (const spec of E2E_PAGES.filter((p) => p.name !== 'errors/:fingerprint/*')) {
  test(`${spec.name}: panels render with data and no errors`, async ({ gotoAppPage, page, selectors }) => {
    const appPage = await open(gotoAppPage, spec);
    await expect(page.getByRole('heading', { name: spec.title }).first()).toBeVisible();
    for (const check of spec.panels) {
      await expectData(panelByTitle(appPage, selectors, check.title), check);
    }
    for (const c of spec.components ?? []) {
      await expect(page.getByTestId(c.testId)).toContainText(c.text, { timeout: 30_000 });
    }
    await expectNoPanelErrors(page, selectors);
    // The README's screenshots: each page as the stack shows it (uploaded by the e2e workflow).
    await page.screenshot({ path: `screenshots/${spec.name.replace(/[^a-z]+/gi, '-')}.png`, fullPage: true });
  });
}

test('errors/:fingerprint: an error group opens from the list with its stack and occurrences', async ({
  gotoAppPage,
  page,
  selectors,
}) => {
  const detail = E2E_PAGES.find((p) => p.name === 'errors/:fingerprint/*')!;
  const appPage = await open(gotoAppPage, detail);
  const groups = page.getByTestId('pulse-error-groups');
  // "All": the demo's errors may have been muted or resolved by an earlier run.
  await groups.getByRole('radio', { name: 'All' }).check({ force: true });
  const firstGroup = groups.locator('[data-testid^="error-group-"] a').first();
  await expect(firstGroup).toBeVisible({ timeout: 60_000 });
  await firstGroup.click();
  await expect(page).toHaveURL(/\/a\/pulseapm-pulse-app\/errors\/[^/?]+/);
  await expect(page.getByRole('heading', { name: detail.title }).first()).toBeVisible();
  for (const check of detail.panels) {
    await expectData(panelByTitle(appPage, selectors, check.title), check);
  }
  for (const c of detail.components ?? []) {
    await expect(page.getByTestId(c.testId)).toContainText(c.text, { timeout: 30_000 });
  }
  await expectNoPanelErrors(page, selectors);
});

test('resolving an error group is kept in the app settings for every user, other settings untouched', async ({
  gotoAppPage,
  page,
  request,
}) => {
  await open(
    gotoAppPage,
    E2E_PAGES.find((p) => p.name === 'errors')!
  );
  const groups = page.getByTestId('pulse-error-groups');
  await groups.getByRole('radio', { name: 'All' }).check({ force: true });
  const row = groups.locator('[data-testid^="error-group-"]').first();
  await expect(row).toBeVisible({ timeout: 60_000 });
  const fingerprint = (await row.getAttribute('data-testid'))!.replace('error-group-', '');
  // Start from open whatever an earlier run left behind.
  const reopen = row.getByRole('button', { name: /Reopen|Unmute/ });
  if (await reopen.count()) {
    await reopen.first().click();
    await expect(row.getByRole('button', { name: 'Resolve' })).toBeVisible();
  }
  await row.getByRole('button', { name: 'Resolve' }).click();
  await expect(row).toContainText(/Resolved|Regression/);

  const settings = await request.get(`/api/plugins/${pluginJson.id}/settings`);
  expect(settings.ok()).toBe(true);
  const jsonData = (await settings.json()).jsonData;
  expect(jsonData.errorGroups.groups[fingerprint].resolved.at).toEqual(expect.any(String));
  expect(jsonData.prometheusUid).toBe('prometheus');
  expect(jsonData.lokiUid).toBe('loki');

  // A fresh page load (any user) reads the same state.
  await page.reload();
  await page.getByTestId('pulse-error-groups').getByRole('radio', { name: 'All' }).check({ force: true });
  await expect(page.getByTestId(`error-group-${fingerprint}`)).toContainText(/Resolved|Regression/, {
    timeout: 30_000,
  });
  await page.getByTestId(`error-group-${fingerprint}`).getByRole('button', { name: 'Reopen' }).click();
  await expect(page.getByTestId(`error-group-${fingerprint}`)).toContainText('Open');
});
