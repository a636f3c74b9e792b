import { join, resolve } from 'node:path';

/** Where the e2e run finds the repository, the built plugins and its own build output. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DIST = join(REPO_ROOT, 'dist');
export const DATASOURCE_ID = 'shopmon-kpi-datasource';
export const PANEL_ID = 'shopmon-kpi-panel';
export const PLUGIN_IDS = [DATASOURCE_ID, PANEL_ID] as const;
/** The backend executable Grafana runs: <plugin dir>/<executable>_linux_amd64. */
export const PLUGIN_EXECUTABLE = join(DIST, DATASOURCE_ID, `gpx_${DATASOURCE_ID}_linux_amd64`);
/** Outside the linted tree: node_modules/.cache is where build tools keep caches. */
export const BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'shopmon-e2e');
export const BUNDLE = join(BUILD_DIR, 'harness.js');
export const APP_DIR = join(REPO_ROOT, 'e2e', 'host', 'app');
export const ICONS_DIR = join(REPO_ROOT, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');
export const SCREENSHOTS = join(REPO_ROOT, 'e2e', 'screenshots');
