import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { harnessIds } from '../host/app/testIds';
import type { Harness, PluginChecks } from '../host/app/index';
import { SCREENSHOTS } from '../host/paths';
import { samePixels } from './pngPixels';

/**
 * Debian's Chromium driven by playwright-core: a fresh profile per run, loopback only, and the
 * harness page of an e2e host. Console errors and page errors are collected so a spec can
 * assert that nothing went wrong that it did not look at.
 */

export const CHROMIUM = process.env.SHOPMON_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Console messages that are not failures by themselves: Chromium logs every HTTP error answer
 * (the specs check the error answers they provoke), and the host serves no web fonts.
 */
const EXPECTED_CONSOLE = [/^Failed to load resource: the server responded with a status of \d+/, /fonts/i];

export interface Browser {
  page: Page;
  /** Console errors and uncaught page errors so far. */
  errors: string[];
  /** Calls a function of window.harness in the page. */
  harness<K extends keyof Harness>(name: K, ...args: Harness[K] extends (...a: infer A) => unknown ? A : never): Promise<Harness[K] extends (...a: never[]) => infer R ? Awaited<R> : never>;
  checks: PluginChecks;
  /** Writes e2e/screenshots/<name>.png of the harness page (unless only its encoding changed). */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openHarness(hostUrl: string, opts: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'shopmon-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: opts.width ?? 1100, height: opts.height ?? 800 },
      deviceScaleFactor: 1,
      timezoneId: 'Asia/Seoul',
      locale: 'en-US',
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED_CONSOLE.some((re) => re.test(m.text()) || re.test(m.location().url))) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  // Only the host: nothing in the page may reach beyond loopback.
  await page.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
  await page.goto(hostUrl);
  const checks = (await page.evaluate(() => window.harness.ready)) as PluginChecks;

  const harness: Browser['harness'] = (name, ...args) =>
    page.evaluate(([n, a]) => (window.harness[n as keyof Harness] as (...x: unknown[]) => unknown)(...(a as unknown[])), [name, args] as const) as never;

  return {
    page,
    errors,
    harness,
    checks,
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.mouse.move(0, 0);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      // Let transitions of the last interaction (a select's chevron turning back) finish.
      await page.waitForTimeout(400);
      const png = await page.getByTestId(harnessIds.page).screenshot({ animations: 'disabled' });
      // The committed file stays when only the encoding differs, so a run changes no picture in git.
      if (!existsSync(path) || !samePixels(readFileSync(path), png)) writeFileSync(path, png);
      return path;
    },
    async close() {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
