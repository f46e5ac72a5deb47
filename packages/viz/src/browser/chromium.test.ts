/**
 * The same figures in headless Debian Chromium and in Node: the SVG drawn inline by the browser, and
 * the browser's own PNG path (`toPngBrowser`, through a canvas), each compared with Node's resvg PNG.
 * Skipped with a notice where `/usr/bin/chromium` is missing. Never downloads a browser.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confusionMatrixFromCounts } from '../charts/confusion-matrix.js';
import { history } from '../charts/history.js';
import { imageGrid } from '../images/image-grid.js';
import { FONT_FILES, toPng } from '../node/png.js';
import { embedFont } from '../svg/embed-font.js';
import type { Figure } from '../svg/figure.js';
import { comparePngs } from '../test-utils/compare.js';
import { useCpu } from '../test-utils/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present)
  console.warn(
    `[tensorfold] viz browser comparison skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium).`,
  );

async function figures(): Promise<Record<string, Figure>> {
  const images = tf.tidy(() => tf.div(tf.reshape(tf.range(0, 4 * 8 * 8), [4, 8, 8, 1]), 255));
  const grid = await imageGrid(images, { labels: [1, 2, 3, 4], predictions: [1, 2, 5, 4], scale: 4 });
  images.dispose();
  return {
    history: history({ loss: [1, 0.6, 0.4, 0.35, 0.3], val_loss: [1.1, 0.7, 0.55, 0.5, 0.52] }),
    confusion: confusionMatrixFromCounts([
      [40, 2, 1],
      [3, 35, 7],
      [0, 5, 45],
    ]),
    grid,
  };
}

describe.skipIf(!present)('in headless Chromium', () => {
  const profile = mkdtempSync(join(tmpdir(), 'tensorfold-viz-chromium-'));
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
  const font = new Uint8Array(readFileSync(FONT_FILES[0]));
  beforeAll(async () => {
    await useCpu();
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--font-render-hinting=none',
      ],
      deviceScaleFactor: 1,
    });
  });
  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('draws the inline SVG as Node does (same size, same pixels but for anti-aliasing)', async () => {
    const page = await context.newPage();
    for (const [name, fig] of Object.entries(await figures())) {
      // The browser's XML parser accepts the document as SVG.
      await page.setContent('<!doctype html><body></body>');
      const parsed = await page.evaluate((svg) => {
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.localName,
        };
      }, fig.svg);
      expect(parsed, name).toEqual({ error: null, root: 'svg' });
      await page.setViewportSize({ width: Math.ceil(fig.width), height: Math.ceil(fig.height) });
      await page.setContent(`<!doctype html><body style="margin:0">${embedFont(fig, font)}</body>`);
      await page.evaluate(() => document.fonts.ready);
      const shot = new Uint8Array(
        await page.screenshot({ clip: { x: 0, y: 0, width: fig.width, height: fig.height } }),
      );
      if (process.env.VIZ_DUMP) writeFileSync(join(process.env.VIZ_DUMP, `${name}-chromium.png`), shot);
      const diff = comparePngs(shot, toPng(fig));
      console.log(
        `[viz] ${name}: inline SVG in Chromium vs Node PNG: ${(100 * diff.differing).toFixed(2)}% pixels differ by > 64, mean difference ${diff.mean.toFixed(2)}`,
      );
      expect(diff.differing, name).toBeLessThan(0.01);
      expect(diff.mean, name).toBeLessThan(2.5);
    }
    await page.close();
  });

  it('makes PNG bytes in the browser through a canvas that match Node', async () => {
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, 'png.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'vizBrowser',
      write: false,
      platform: 'browser',
    });
    const page = await context.newPage();
    await page.setContent('<!doctype html><body></body>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    await page.evaluate((b64) => {
      (globalThis as unknown as { ttf: Uint8Array }).ttf = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    }, Buffer.from(font).toString('base64'));
    for (const [name, fig] of Object.entries(await figures())) {
      const bytes = await page.evaluate(async (f) => {
        const g = globalThis as unknown as { vizBrowser: typeof import('./png.js'); ttf: Uint8Array };
        const png = await g.vizBrowser.toPngBrowser(f, { scale: 1, font: g.ttf });
        let s = '';
        for (const b of png) s += String.fromCharCode(b);
        return btoa(s);
      }, fig);
      const diff = comparePngs(new Uint8Array(Buffer.from(bytes, 'base64')), toPng(fig));
      console.log(
        `[viz] ${name}: browser canvas PNG vs Node PNG: ${(100 * diff.differing).toFixed(2)}% pixels differ by > 64, mean difference ${diff.mean.toFixed(2)}`,
      );
      expect(diff.differing, name).toBeLessThan(0.01);
      expect(diff.mean, name).toBeLessThan(2.5);
    }
    await page.close();
  });

  it('writes byte-identical SVG strings in the browser and in Node', async () => {
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, '..', 'index.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'viz',
      write: false,
      platform: 'browser',
      conditions: ['@tensorfold/source'],
      logLevel: 'silent',
    });
    const page = await context.newPage();
    await page.setContent('<!doctype html><body></body>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    const h = {
      loss: [1, 0.62, Number.NaN, 0.41],
      val_loss: [1.1, 0.8, 0.7, 0.66],
      accuracy: [0.5, 0.7, 0.8, 0.85],
    };
    const counts = [
      [40, 2, 1],
      [3, 35, 7],
      [0, 5, 45],
    ];
    const inBrowser = await page.evaluate(
      ({ h, counts }) => {
        const v = (globalThis as unknown as { viz: typeof import('../index.js') }).viz;
        return [v.history(h).svg, v.confusionMatrixFromCounts(counts, { classNames: ['a', 'b', 'c'] }).svg];
      },
      { h: { ...h, loss: h.loss.map((x) => (Number.isNaN(x) ? null : x)) }, counts },
    );
    expect(inBrowser[0]).toBe(history(h).svg);
    expect(inBrowser[1]).toBe(confusionMatrixFromCounts(counts, { classNames: ['a', 'b', 'c'] }).svg);
    await page.close();
  });
});
