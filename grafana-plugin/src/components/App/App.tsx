import React, { useMemo } from 'react';
import { SceneApp } from '@grafana/scenes';
import type { AppRootProps } from '@grafana/data';
import { pulsePages } from '../../pages/registry';
import { resolveSettings, type PulseAppSettings, type ResolvedSettings } from '../../settings';
import { PluginPropsContext } from '../../utils/utils.plugin';

/** The whole app as one SceneApp: one SceneAppPage per registry entry, state synced to the URL. */
export function buildSceneApp(settings: ResolvedSettings): SceneApp {
  return new SceneApp({
    pages: pulsePages.map((page) => page.build({ settings })),
    urlSyncOptions: { updateUrlOnInit: true, createBrowserHistorySteps: true },
  });
}

function App(props: AppRootProps<PulseAppSettings>) {
  const jsonData = props.meta.jsonData;
  // Rebuilt only when the settings change (they change through the config page, which reloads).
  const scene = useMemo(() => buildSceneApp(resolveSettings(jsonData)), [jsonData]);
  return (
    <PluginPropsContext.Provider value={props}>
      <scene.Component model={scene} />
    </PluginPropsContext.Provider>
  );
}

export default App;
