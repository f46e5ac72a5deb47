/**
 * The Sequences, Generative models and Compression pages of the built site in Debian's Chromium (headless),
 * on WASM and on WebGPU (SwiftShader) where it starts: each loads with no console error, its main
 * interactions give checked numbers, axe-core finds no accessibility violation, and a screenshot is saved
 * under `test-results/` for review.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '../src/pages';
import { parseWeather, TRAIN_DAYS } from '../src/pages/sequences/weather';
import { APP_DIR, axeViolations, buildSite, CHROMIUM, launch, openPage, serveSite } from './site';

const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.TENSORFOLD_REQUIRE_WEBGPU === '1')
    throw new Error(
      `${CHROMIUM} is missing and TENSORFOLD_REQUIRE_WEBGPU=1: install it (apt-get install chromium).`,
    );
  console.warn(
    `[tensorfold] demo model-page tests skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium).`,
  );
}

const SHOTS = join(APP_DIR, 'test-results');
const PUBLIC = join(APP_DIR, 'public');
let browser: Browser;
let site: { url: string; close: () => Promise<void> };

const record = (model: string) =>
  JSON.parse(readFileSync(join(PUBLIC, 'models', model, 'training.json'), 'utf8')) as {
    result: Record<string, number>;
  };

/** The persistence forecast's MAE on 2015, computed here from the package's CSV. */
function persistenceMae(): number {
  let dir = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
  while (!dir.endsWith('vega-datasets')) dir = dirname(dir);
  const { values } = parseWeather(readFileSync(join(dir, 'data', 'seattle-weather.csv'), 'utf8'));
  let abs = 0;
  for (let t = TRAIN_DAYS; t < values.length; t++) abs += Math.abs(values[t] - values[t - 1]);
  return abs / (values.length - TRAIN_DAYS);
}

/** A number shown in the element of `testId` (its text, `%` or units stripped). */
async function numberOf(page: Page, testId: string): Promise<number> {
  return Number.parseFloat((await page.getByTestId(testId).textContent()) ?? '');
}

/** A digest of a canvas' pixels, to see that it was redrawn. */
async function canvasDigest(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}

async function finish(page: Page, errors: string[], shot: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
}

describe.skipIf(!available)('model pages of the demo site in Chromium', () => {
  beforeAll(async () => {
    if (process.env.TENSORFOLD_DEMO_PREBUILT !== '1') await buildSite();
    mkdirSync(SHOTS, { recursive: true });
    site = await serveSite();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const backend of ['wasm', 'webgpu'] as const) {
    describe(`on ${backend}`, () => {
      /** Opens the page; skips the test (with a notice) when the backend did not start. */
      async function open(hash: string, ctx: { skip: () => void }) {
        const opened = await openPage(browser, site.url, hash, backend);
        if (!opened.label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${opened.label}); skipped.`);
          await opened.page.close();
          ctx.skip();
        }
        return opened;
      }

      it('Sequences: persistence MAE is the hand-computed one, training lowers the model MAE; a temperature change changes the seeded sample', async (ctx) => {
        const { page, errors } = await open('sequences?units=8&window=7', ctx);
        const step = page.getByTestId('forecast-step');
        await expect.poll(() => step.isEnabled(), { timeout: 90_000 }).toBe(true);
        expect(await numberOf(page, 'naive-mae')).toBeCloseTo(persistenceMae(), 3);
        const untrained = await numberOf(page, 'model-mae');
        const epochs = backend === 'wasm' ? 3 : 1;
        for (let epoch = 1; epoch <= epochs; epoch++) {
          await expect.poll(() => step.isEnabled(), { timeout: 120_000 }).toBe(true);
          await step.click();
          await expect
            .poll(() => page.getByTestId('forecast-epoch').textContent(), { timeout: 180_000 })
            .toBe(String(epoch));
        }
        expect(await numberOf(page, 'model-mae')).toBeLessThan(untrained);
        expect(await numberOf(page, 'forecast-loss')).toBeGreaterThan(0);
        // The character model: a seeded sample, changed by the temperature, the same again at the same one.
        const sample = page.getByTestId('char-sample');
        await expect.poll(() => sample.textContent(), { timeout: 120_000 }).toMatch(/\w{3}/);
        const at08 = await sample.textContent();
        await page.getByTestId('temperature').fill('1.5');
        await expect.poll(() => page.url()).toContain('temperature=1.5');
        await expect.poll(() => sample.textContent(), { timeout: 120_000 }).not.toMatch(/^…$/);
        await expect.poll(() => sample.textContent(), { timeout: 120_000 }).not.toBe(at08);
        await page.getByTestId('temperature').fill('0.8');
        await expect.poll(() => sample.textContent(), { timeout: 120_000 }).toBe(at08);
        expect(await page.getByTestId('char-record').textContent()).toContain('bits per character');
        await finish(page, errors, `sequences-${backend}.png`);
      }, 600_000);

      it('Generative models: GAN steps log both losses and bring the points nearer the ring; the VAE reconstructs as recorded; new DCGAN samples', async (ctx) => {
        const { page, errors } = await open('generative', ctx);
        const ten = page.getByTestId('gan-step10');
        await expect.poll(() => ten.isEnabled(), { timeout: 90_000 }).toBe(true);
        const start = await numberOf(page, 'gan-energy-start');
        for (let k = 1; k <= 6; k++) {
          await expect.poll(() => ten.isEnabled(), { timeout: 120_000 }).toBe(true);
          await ten.click();
          await expect
            .poll(() => page.getByTestId('gan-steps').textContent(), { timeout: 180_000 })
            .toBe(String(10 * k));
        }
        expect(Number.isFinite(await numberOf(page, 'd-loss'))).toBe(true);
        expect(Number.isFinite(await numberOf(page, 'g-loss'))).toBe(true);
        expect(await numberOf(page, 'gan-energy')).toBeLessThan(start);
        // The VAE: its reconstructions of the shipped test digits, computed here, match the script's number.
        await expect
          .poll(() => page.getByTestId('vae-psnr').textContent(), { timeout: 120_000 })
          .toMatch(/\d/);
        expect(await numberOf(page, 'vae-psnr')).toBeCloseTo(
          record('vae').result.testReconstructionPsnrDb,
          0,
        );
        await expect.poll(() => page.getByTestId('vae-codes').textContent()).toContain('codes: 0 at');
        // DCGAN: a new seed draws new samples.
        await page.getByTestId('dcgan-samples').waitFor();
        await page.waitForTimeout(500);
        const before = await canvasDigest(page, 'dcgan-samples');
        await page.getByTestId('dcgan-next').click();
        await expect.poll(() => page.url()).toContain('sampleSeed=2');
        await expect.poll(() => canvasDigest(page, 'dcgan-samples'), { timeout: 60_000 }).not.toBe(before);
        await finish(page, errors, `generative-${backend}.png`);
      }, 600_000);

      it('Compression: float32 accuracy as recorded, float16 half the size, int8 close; lower energy, smaller SVD model', async (ctx) => {
        const { page, errors } = await open('compression', ctx);
        // SwiftShader compiles LeNet's shaders on the CPU: the first inference there takes minutes.
        await page.getByTestId('acc-int8').waitFor({ timeout: backend === 'wasm' ? 180_000 : 480_000 });
        const base = await numberOf(page, 'acc-float32');
        expect(base).toBeCloseTo(record('lenet5').result.testAccuracy * 100, 1);
        expect(await numberOf(page, 'size-float16')).toBeCloseTo((62_430 * 2) / 1024, 1);
        expect(Math.abs((await numberOf(page, 'acc-float16')) - base)).toBeLessThanOrEqual(0.4);
        expect(await numberOf(page, 'acc-int8')).toBeGreaterThan(base - 2);
        if (backend === 'webgpu') {
          // The decompositions (new layer shapes, new shaders) take SwiftShader minutes more: checked on WASM.
          await finish(page, errors, `compression-${backend}.png`);
          return;
        }
        await page.getByTestId('acc-cp').waitFor({ timeout: 240_000 });
        const svd = await numberOf(page, 'size-svd');
        expect(svd).toBeLessThan((62_430 * 4) / 1024);
        await page.getByTestId('energy').fill('0.5');
        await expect.poll(() => page.url()).toContain('energy=0.5');
        await expect.poll(async () => numberOf(page, 'size-svd'), { timeout: 240_000 }).toBeLessThan(svd);
        await page.getByTestId('acc-cp').waitFor({ timeout: 240_000 });
        await finish(page, errors, `compression-${backend}.png`);
      }, 600_000);
    });
  }

  it("every page's own JavaScript is at most 150 KB gzipped beside the shared chunk", () => {
    const manifest = JSON.parse(
      readFileSync(join(APP_DIR, 'dist', '.vite', 'manifest.json'), 'utf8'),
    ) as Record<string, { file: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[] }>;
    const entry = Object.values(manifest).find((c) => c.isEntry);
    const shared = new Set([entry?.file, ...(entry?.imports ?? []).map((k) => manifest[k].file)]);
    const closure = (key: string, seen = new Set<string>()): Set<string> => {
      if (!seen.has(key)) {
        seen.add(key);
        for (const k of manifest[key].imports ?? []) closure(k, seen);
      }
      return seen;
    };
    for (const page of PAGES) {
      const key = Object.keys(manifest).find((k) => manifest[k].isDynamicEntry && k.includes(`/${page.id}/`));
      expect(key, page.id).toBeDefined();
      const own = [...closure(key as string)].map((k) => manifest[k].file).filter((f) => !shared.has(f));
      const kb =
        own.reduce((sum, f) => sum + gzipSync(readFileSync(join(APP_DIR, 'dist', f))).length, 0) / 1024;
      expect(kb, page.id).toBeLessThanOrEqual(150);
    }
    // The recurrent, generative and compression code stays out of the chunk every page loads.
    const sharedCode = [...shared]
      .map((f) => readFileSync(join(APP_DIR, 'dist', f as string), 'utf8'))
      .join('');
    for (const marker of ['Unknown decomposition method', "A VAE's encoder", 'naive forecast'])
      expect(sharedCode, marker).not.toContain(marker);
  });

  it('the Generative models page resets a broken URL (a digit of 12) and says so', async () => {
    const { page, errors } = await openPage(browser, site.url, 'generative?from=12', 'wasm');
    expect(await page.getByTestId('reset-notice').textContent()).toContain('from');
    expect(await page.getByTestId('vae-from').inputValue()).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });
});
