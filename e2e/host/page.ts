/**
 * The harness page: Grafana's boot data (the parts @grafana/runtime's config reads at import),
 * its public path for @grafana/ui's icons, and the bundled host app.
 */
export function harnessPage(theme: 'dark' | 'light' = 'dark'): string {
  const bootData = {
    settings: {
      appUrl: '/',
      appSubUrl: '',
      buildInfo: { version: '12.4.0', commit: 'e2e', env: 'production', edition: 'Open Source' },
      featureToggles: {},
      datasources: {},
      panels: {},
      defaultDatasource: 'Shopmon KPI',
      liveEnabled: false,
    },
    user: { id: 1, login: 'admin', name: 'admin', orgId: 1, orgRole: 'Admin', isSignedIn: true, theme, timezone: 'browser', weekStart: 'browser', locale: 'en-US', language: 'en-US', regionalFormat: 'en-US' },
    navTree: [],
    assets: { dark: '', light: '' },
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>shopmon e2e host</title>
<script>
window.grafanaBootData = ${JSON.stringify(bootData)};
window.__grafana_public_path__ = '/public/';
</script>
</head>
<body>
<div id="root"></div>
<script src="/public/build/harness.js"></script>
</body>
</html>`;
}
