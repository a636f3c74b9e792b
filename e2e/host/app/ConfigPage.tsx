import type { DataSourceSettings } from '@grafana/data';
import { getDataSourceSrv, getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Stack } from '@grafana/ui';
import React, { useState } from 'react';
import type { AnyDataSourcePlugin, HarnessDataSourceSrv } from './registry';
import { harnessIds } from './testIds';

/**
 * Stands in for Grafana's datasource settings page (public/app/features/datasources): the
 * plugin's ConfigEditor on the saved settings, and "Save & test": PUT the settings, reload the
 * datasources, call the new instance's testDatasource() and show its answer as Grafana's
 * DataSourceTestingStatus does (an Alert titled with the message).
 */

interface TestingStatus {
  status: 'success' | 'error';
  message: string;
}

interface Props {
  plugin: AnyDataSourcePlugin;
  initial: DataSourceSettings;
}

interface SaveAnswer {
  datasource: DataSourceSettings;
}

function errorMessage(e: unknown): string {
  const err = e as { message?: string; data?: { message?: string }; statusText?: string };
  return err?.message ?? err?.data?.message ?? err?.statusText ?? String(e);
}

export function ConfigPage({ plugin, initial }: Props) {
  const [options, setOptions] = useState<DataSourceSettings>(initial);
  const [testing, setTesting] = useState<TestingStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const ConfigEditor = plugin.components.ConfigEditor;
  if (!ConfigEditor) return <Alert title="The datasource plugin has no ConfigEditor" severity="error" />;

  const saveAndTest = async () => {
    setBusy(true);
    setTesting(null);
    try {
      const saved = await getBackendSrv().put<SaveAnswer>(`/api/datasources/uid/${options.uid}`, options);
      setOptions(saved.datasource);
      await (getDataSourceSrv() as HarnessDataSourceSrv).reload();
      const ds = await getDataSourceSrv().get(options.uid);
      const result = await ds.testDatasource();
      setTesting({ status: result.status === 'success' ? 'success' : 'error', message: result.message });
    } catch (e) {
      setTesting({ status: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack direction="column" gap={2}>
      <ConfigEditor options={options} onOptionsChange={setOptions} />
      {testing && (
        <div data-testid={harnessIds.testingStatus}>
          <Alert severity={testing.status} title={testing.message} />
        </div>
      )}
      <div>
        <Button data-testid={harnessIds.saveAndTest} type="submit" disabled={busy} onClick={saveAndTest}>
          Save &amp; test
        </Button>
      </div>
    </Stack>
  );
}
