/**
 * The browser test: the parity cases, forward and gradient, on WebGPU (SwiftShader in headless
 * Debian Chromium) and on WASM, against the CPU backend in the same page, after `initBackend` has
 * picked a backend as it would for an application. Skipped with a notice where `/usr/bin/chromium`
 * is missing, unless TENSORFOLD_REQUIRE_WEBGPU=1. Never downloads a browser.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { REQUIRE_WEBGPU_ENV } from '../testing.js';
import type { BrowserReport } from './test-utils/page.js';
import { type PageServer, servePage } from './test-utils/serve-page.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--enable-unsafe-webgpu',
];

const present = existsSync(CHROMIUM);
if (!present && process.env[REQUIRE_WEBGPU_ENV] !== '1') {
  console.warn(
    `[tensorfold] Browser WebGPU test skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium).`,
  );
}

describe.skipIf(!present && process.env[REQUIRE_WEBGPU_ENV] !== '1')('in headless Chromium', () => {
  let server: PageServer | null = null;
  const profile = mkdtempSync(join(tmpdir(), 'tensorfold-chromium-'));
  afterAll(async () => {
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('initBackend passes over the software WebGPU adapter for WASM, and WebGPU and WASM match the CPU backend', async () => {
    expect(existsSync(CHROMIUM), `${REQUIRE_WEBGPU_ENV}=1 but ${CHROMIUM} is missing`).toBe(true);
    server = await servePage();
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(server.url);
      await page.waitForFunction(() => 'runChecks' in globalThis);
      const report = (await page.evaluate(
        (wasmPaths) =>
          (globalThis as unknown as { runChecks(o: { wasmPaths: string }): Promise<unknown> }).runChecks({
            wasmPaths,
          }),
        `${server.url}wasm/`,
      )) as BrowserReport;
      expect(errors).toEqual([]);
      expect(report.auto).toMatchObject({ platform: 'browser' });
      expect(report.checked.wasm).toBeGreaterThan(100);
      expect(report.wasmSimdKernels).toBe(true);
      expect(report.mismatches).toEqual([]);
      expect(report.leakedTensors).toBe(0);
      if ('error' in report.webgpu) {
        // This Chromium has no WebGPU adapter at all: WASM was checked; WebGPU is a skip unless required.
        expect(process.env[REQUIRE_WEBGPU_ENV], report.webgpu.error).not.toBe('1');
        console.warn(`[tensorfold] Browser WebGPU checks skipped: ${report.webgpu.error}`);
        expect(report.auto.name).toBe('wasm');
        return;
      }
      // A software adapter is slower than WASM, so automatic selection skips it and says why.
      expect(report.auto).toMatchObject({ name: 'wasm', simd: true });
      expect(report.auto.skipped.map((s) => s.name)).toEqual(['webgpu']);
      expect(report.auto.skipped[0].reason).toMatch(/swiftshader|software|CPU emulation/i);
      expect(report.webgpu).toMatchObject({ name: 'webgpu', softwareAdapter: true, chosenBy: 'required' });
      expect(report.webgpu.adapter).toMatch(/swiftshader/i);
      expect(report.checked.webgpu).toBe(report.checked.wasm);
    } finally {
      await browser.close();
    }
  });
});
