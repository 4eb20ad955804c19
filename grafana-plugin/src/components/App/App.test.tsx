import React from 'react';
import { render, screen } from '@testing-library/react';
import { Route, Router, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LocationServiceProvider, locationService } from '@grafana/runtime';
import { routeDetailPath } from '../../queries/links';
import type { PulseAppSettings } from '../../settings';
import App from './App';

// Grafana's page chrome stands in as a title and a breadcrumb; the scene body (panels, queries)
// is not rendered: this test is about which page the URL opens.
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: (props: { pageNav: { text: string; parentItem?: { text: string; url: string } } }) => (
    <div>
      <h1>{props.pageNav.text}</h1>
      {props.pageNav.parentItem && <a href={props.pageNav.parentItem.url}>{props.pageNav.parentItem.text}</a>}
    </div>
  ),
}));

function renderAt(url: string) {
  locationService.push(url);
  const history = locationService.getHistory();
  const props = { meta: { id: 'pulseapm-pulse-app', jsonData: {} } } as unknown as AppRootProps<PulseAppSettings>;
  return render(
    // Grafana mounts an app below /a/<plugin id>/; the app's routes are relative to it.
    <LocationServiceProvider service={locationService}>
      <Router location={history.location} navigator={history}>
        <Routes>
          <Route path="/a/pulseapm-pulse-app/*" element={<App {...props} />} />
        </Routes>
      </Router>
    </LocationServiceProvider>
  );
}

describe('app routing', () => {
  it('opens a top-level page from its URL', async () => {
    renderAt('/a/pulseapm-pulse-app/runtime');
    expect(await screen.findByRole('heading', { name: 'Runtime' })).toBeTruthy();
  });

  it('opens Route detail for the route in the URL, below Routes', async () => {
    renderAt(routeDetailPath('/users/:id'));
    expect(await screen.findByRole('heading', { name: '/users/:id' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Routes' }).getAttribute('href')).toMatch(
      /^\/a\/pulseapm-pulse-app\/routes/
    );
  });

  it('writes the page state (variables, time range) into the URL', async () => {
    renderAt('/a/pulseapm-pulse-app/overview');
    await screen.findByRole('heading', { name: 'Overview' });
    const search = new URLSearchParams(locationService.getLocation().search);
    expect(search.get('from')).toBe('now-1h');
    expect(search.get('var-prom')).toBe('prometheus');
    expect(search.get('var-loki')).toBe('loki');
  });
});
