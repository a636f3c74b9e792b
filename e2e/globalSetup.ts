import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from './browser/browser';
import { bundleHarness } from './host/build';
import { DATASOURCE_ID, DIST, PANEL_ID, PLUGIN_EXECUTABLE, REPO_ROOT } from './host/paths';

/**
 * Once per e2e run: dist/ is built (`npm run build`) when a plugin file is missing or older
 * than the sources it is built from, the harness page is bundled (cached in node_modules/.cache/shopmon-e2e), and
 * Chromium must be installed (Debian: apt-get install -y chromium).
 */

const OUTPUTS = [join(DIST, DATASOURCE_ID, 'module.js'), join(DIST, PANEL_ID, 'module.js'), PLUGIN_EXECUTABLE, join(DIST, DATASOURCE_ID, `gpx_${DATASOURCE_ID}-handlers.js`)];
const SOURCES = ['src/datasource', 'src/panel', 'src/backend', 'src/kpi', 'scripts/build-backend.mjs', 'webpack.config.js', 'package.json'];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

export function distIsCurrent(): boolean {
  if (!OUTPUTS.every((f) => existsSync(f))) return false;
  const built = Math.min(...OUTPUTS.map((f) => statSync(f).mtimeMs));
  return SOURCES.every((s) => !existsSync(join(REPO_ROOT, s)) || newest(join(REPO_ROOT, s)) <= built);
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: install it with apt-get install -y chromium (or set SHOPMON_E2E_CHROMIUM)`);
  if (!distIsCurrent()) {
    process.stdout.write('\ne2e: dist/ is missing or older than the sources: npm run build\n');
    execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const bundle = await bundleHarness();
  if (bundle.built) process.stdout.write(`e2e: harness page bundled (${(bundle.bytes / 1e6).toFixed(1)} MB, ${(bundle.ms / 1000).toFixed(1)} s)\n`);
}
