/**
 * Builds the demo site, serves `dist/` from 127.0.0.1 and opens its pages in Debian's Chromium
 * (never a downloaded browser), for the browser tests and the benchmark.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-webgpu'];
export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(APP_DIR, 'dist');
/** Vulkan on the CPU, for WebGPU without a GPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Builds the site into `dist/` with the app's own Vite config. */
export async function buildSite(): Promise<void> {
  const { build } = await import('vite');
  await build({ root: APP_DIR, logLevel: 'error', configFile: join(APP_DIR, 'vite.config.ts') });
}

/** A static file server over `dist/` on 127.0.0.1 (as any static host would serve it). */
export async function serveSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Launches Chromium; WebGPU gets SwiftShader's Vulkan driver. */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
  });
}

/** Collects what a page reports as errors: console errors, uncaught exceptions, failed requests. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return errors;
}

/** Runs axe-core in the page and returns its violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequireResolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, not an inline <script>, which the page's CSP refuses.
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as { id: string; help: string; nodes: { target: string[] }[] }[];
  });
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

function createRequireResolve(specifier: string): string {
  return fileURLToPath(import.meta.resolve(specifier));
}

/** Opens `#hash` of the site on `backend` in a new page; resolves when the page shows which backend runs. */
export async function openPage(
  browser: Browser,
  siteUrl: string,
  hash: string,
  backend: 'wasm' | 'webgpu',
): Promise<{ page: Page; errors: string[]; label: string }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${siteUrl}?backend=${backend}#${hash}`);
  await page
    .waitForFunction(
      () => !document.querySelector('[data-testid=backend]')?.textContent?.includes('starting'),
      null,
      { timeout: 60_000 },
    )
    .catch(() => undefined);
  const label = (await page.textContent('[data-testid=backend]')) ?? '';
  return { page, errors, label };
}
