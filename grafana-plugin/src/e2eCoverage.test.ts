import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_PAGES } from '../tests/appPages';
import { buildAllPages, queriesOf } from './testing/appQueries';

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

const pages = buildAllPages();

describe('e2e specs (tests/*.spec.ts, Playwright against the compose stack)', () => {
  it('open every page and drill-down of the registry', () => {
    expect(E2E_PAGES.map((p) => p.name).sort()).toEqual(pages.map((p) => p.name).sort());
  });

  it.each(E2E_PAGES.map((p) => [p.name, p] as const))('%s: every panel they check exists on the page', (name, spec) => {
    const built = pages.find((p) => p.name === name)!;
    const titles = new Set(queriesOf(built).map((q) => q.panel));
    expect(spec.panels.map((c) => c.title).filter((t) => !titles.has(t))).toEqual([]);
  });

  it('the e2e workflow starts the compose stack (which builds the plugin into Grafana), runs the specs and tears down', () => {
    const workflow = readFileSync(path.join(__dirname, '../../.github/workflows/e2e.yml'), 'utf8');
    for (const step of ['docker compose up -d --wait --build', 'npx playwright test', 'docker compose down -v']) {
      expect(workflow).toContain(step);
    }
    expect(existsSync(path.join(__dirname, '../../docker-compose.yml'))).toBe(true);
  });

  (dockerAvailable() ? it : it.skip)(
    'run with `docker compose up -d --wait && npx playwright test` (skipped: no Docker engine on this machine; CI runs them in .github/workflows/e2e.yml)',
    () => {
      // With Docker here, the specs are still run by Playwright (they need a browser), not by jest.
      expect(E2E_PAGES.length).toBeGreaterThan(0);
    }
  );
});
