import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR, BUILD_DIR, BUNDLE, REPO_ROOT } from './paths';

/**
 * Bundles the harness page (e2e/host/app) with esbuild from the real @grafana packages in
 * node_modules. About 15 s, so the bundle is kept in node_modules/.cache/shopmon-e2e and
 * rebuilt only when the app sources or the installed packages change.
 */

const PACKAGES = ['@grafana/data', '@grafana/ui', '@grafana/runtime', 'react', 'react-dom', 'rxjs', '@emotion/css', 'esbuild'];

function fingerprint(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(APP_DIR).sort()) hash.update(file).update(readFileSync(join(APP_DIR, file)));
  for (const pkg of PACKAGES) hash.update(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json')));
  hash.update(readFileSync(__filename));
  return hash.digest('hex');
}

export async function bundleHarness(): Promise<{ built: boolean; ms: number; bytes: number }> {
  const started = Date.now();
  const stamp = join(BUILD_DIR, 'harness.stamp');
  const want = fingerprint();
  if (existsSync(BUNDLE) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) {
    return { built: false, ms: Date.now() - started, bytes: statSync(BUNDLE).size };
  }
  mkdirSync(BUILD_DIR, { recursive: true });
  // Written aside and renamed, so a run in another terminal never loads half a bundle.
  const partial = `${BUNDLE}.${process.pid}.partial`;
  await build({
    entryPoints: [join(APP_DIR, 'index.tsx')],
    outfile: partial,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.png': 'dataurl', '.woff2': 'dataurl', '.css': 'empty' },
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'error',
  });
  renameSync(partial, BUNDLE);
  writeFileSync(stamp, want);
  return { built: true, ms: Date.now() - started, bytes: statSync(BUNDLE).size };
}
