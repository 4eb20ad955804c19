import React, { useState, type FormEvent } from 'react';
import { css } from '@emotion/css';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { DataSourcePicker, getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, useStyles2 } from '@grafana/ui';
import { resolveSettings, settingsUpdate, type PulseAppSettings, type ResolvedSettings } from '../../settings';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<PulseAppSettings>> {}

/** Picks the Prometheus and Loki data sources the app queries; saved in the app's jsonData. */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const [picked, setPicked] = useState<ResolvedSettings>(() => resolveSettings(plugin.meta.jsonData));
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await saveSettings(plugin.meta.id, settingsUpdate(plugin.meta, picked));
      // The app reads its settings when it loads; a reload applies the new data sources.
      locationService.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String((e as { data?: { message?: string } })?.data?.message ?? e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.appConfig.container}>
      <FieldSet label="Data sources" className={s.marginTop}>
        <Field
          label="Prometheus"
          description="The Prometheus that scrapes your services' Pulse /metrics endpoints (default uid: prometheus)."
        >
          <div data-testid={testIds.appConfig.prometheus}>
            <DataSourcePicker
              pluginId="prometheus"
              current={picked.prometheusUid}
              noDefault
              width={60}
              onChange={(ds) => setPicked({ ...picked, prometheusUid: ds.uid })}
            />
          </div>
        </Field>
        <Field
          label="Loki"
          description="The Loki that receives Pulse events: errors, slow requests (default uid: loki)."
        >
          <div data-testid={testIds.appConfig.loki}>
            <DataSourcePicker
              pluginId="loki"
              current={picked.lokiUid}
              noDefault
              width={60}
              onChange={(ds) => setPicked({ ...picked, lokiUid: ds.uid })}
            />
          </div>
        </Field>
        {error && (
          <Alert severity="error" title="Could not save the settings">
            {error}
          </Alert>
        )}
        <div className={s.marginTop}>
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={saving}>
            Save data sources
          </Button>
        </div>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  marginTop: css`
    margin-top: ${theme.spacing(3)};
  `,
});

async function saveSettings(pluginId: string, data: ReturnType<typeof settingsUpdate>): Promise<unknown> {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return (await lastValueFrom(response)).data;
}
