/**
 * The browser threads test: in a cross-origin isolated page of headless Chromium, `initBackend({
 * threads: 2 })` starts tensorfold's WASM thread pool on Web Workers, a product on it matches a plain
 * JavaScript reference, and 3 threads give the same bits as 2; a worker that throws holding a chunk
 * ends the main thread's spin with a BackendError. Skipped with a notice where
 * `/usr/bin/chromium` is missing. Never downloads a browser.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type PageServer, servePage } from './test-utils/serve-page.js';
import type { LostWorkerReport, ThreadsReport } from './test-utils/threads-page.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`[tensorfold] Browser threads test skipped: ${CHROMIUM} is missing.`);

describe.skipIf(!present)('WASM threads in headless Chromium', () => {
  let server: PageServer | null = null;
  const profile = mkdtempSync(join(tmpdir(), 'tensorfold-chromium-'));
  afterAll(async () => {
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('runs the pool on Web Workers in a cross-origin isolated page, with the same bits on 2 and 3 threads, and stops spinning where a worker dies', async () => {
    server = await servePage({ page: 'threads-page.ts', isolated: true });
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(server.url);
      await page.waitForFunction(() => 'runThreadChecks' in globalThis);
      const report = (await page.evaluate(
        (wasmPaths) =>
          (
            globalThis as unknown as { runThreadChecks(o: { wasmPaths: string }): Promise<unknown> }
          ).runThreadChecks({ wasmPaths }),
        `${server.url}wasm/`,
      )) as ThreadsReport;
      expect(errors).toEqual([]);
      expect(report.crossOriginIsolated).toBe(true);
      expect(report.threads).toBe(2);
      expect(report.description).toMatch(/2 threads\)$/);
      expect(report.threadsAfter).toBe(3);
      expect(report.pooled).toBe(true);
      expect(report.maxError).toBeLessThan(1e-3);
      expect(report.sameBits).toBe(true);
      // A worker that throws holding a chunk ends the main thread's spin with a BackendError.
      const lost = (await page.evaluate(() =>
        (globalThis as unknown as { runLostWorkerCheck(): Promise<unknown> }).runLostWorkerCheck(),
      )) as LostWorkerReport;
      expect(lost.error).toMatch(/stopped while matMulChunk ran on it/);
      expect(lost.backendError).toBe(true);
      expect(lost.broken).not.toBeNull();
      expect(lost.laterThrows).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
