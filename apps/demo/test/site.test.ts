/**
 * The built site in a real browser (Debian's Chromium, headless): each page loads with no console
 * error, its main interaction gives the number the text gives, axe-core finds no accessibility
 * violation, and a screenshot is saved under `test-results/` for review. On WASM, and on WebGPU
 * (SwiftShader) where it starts.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '../src/pages';
import { APP_DIR, axeViolations, buildSite, CHROMIUM, launch, serveSite, watchErrors } from './site';

const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.TENSORFOLD_REQUIRE_WEBGPU === '1') {
    throw new Error(
      `${CHROMIUM} is missing and TENSORFOLD_REQUIRE_WEBGPU=1: install it (apt-get install chromium).`,
    );
  }
  console.warn(
    `[tensorfold] demo browser tests skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium).`,
  );
}

const SHOTS = join(APP_DIR, 'test-results');
let browser: Browser;
let site: { url: string; close: () => Promise<void> };

/** Opens `#hash` on `backend`; resolves when the page shows which backend runs. */
async function open(
  hash: string,
  backend: 'wasm' | 'webgpu',
): Promise<{ page: Page; errors: string[]; label: string }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${site.url}?backend=${backend}#${hash}`);
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

describe.skipIf(!available)('demo site in Chromium', () => {
  beforeAll(async () => {
    // TENSORFOLD_DEMO_PREBUILT=1 tests the dist/ already built (while iterating on the tests only).
    if (process.env.TENSORFOLD_DEMO_PREBUILT !== '1') await buildSite();
    mkdirSync(SHOTS, { recursive: true });
    site = await serveSite();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('lists every page in the navigation, in the order of src/pages.ts', async () => {
    const { page, errors } = await open('', 'wasm');
    const links = await page.locator('nav a').allTextContents();
    expect(links).toEqual(PAGES.map((p) => p.title));
    expect(await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content')).toMatch(
      /default-src 'self'/,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const backend of ['wasm', 'webgpu'] as const) {
    describe(`on ${backend}`, () => {
      it("Neurons: the fruit perceptron reaches the text's weights after one epoch; AND is computed; no errors, no axe violations", async (ctx) => {
        const { page, errors, label } = await open('neurons', backend);
        if (!label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${label}); skipped.`);
          await page.close();
          ctx.skip();
        }
        await page.getByTestId('fruit-step').waitFor();
        for (let i = 0; i < 4; i++) await page.getByTestId('fruit-step').click();
        await expect
          .poll(() => page.getByTestId('fruit-weights').textContent())
          .toContain('Step 4 (epoch 1): w = [-27.72, 300.304], w0 = -1229.98');
        expect(page.url()).toContain('steps=4');
        expect(await page.getByTestId('logic-correct').textContent()).toContain('4 of 4 rows right');
        expect(await page.getByTestId('madaline-result').textContent()).toMatch(
          /Solved XOR after \d+ epochs:\s+0 of 4 rows wrong/,
        );
        await page.screenshot({ path: join(SHOTS, `neurons-${backend}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      });

      it('Playground: training steps lower the loss; decision regions and per-neuron views are drawn; no errors, no axe violations', async (ctx) => {
        const { page, errors, label } = await open('playground?dataset=xor&seed=3', backend);
        if (!label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${label}); skipped.`);
          await page.close();
          ctx.skip();
        }
        const stepButton = page.getByTestId('play-step');
        await expect.poll(() => stepButton.isEnabled(), { timeout: 60_000 }).toBe(true);
        const before = Number(await page.getByTestId('train-loss').textContent());
        expect(before).toBeGreaterThan(0.3); // an untrained network: near log 2 = 0.693
        // SwiftShader compiles its shaders on the CPU: the first step there takes ~25 s on a 2-core machine.
        const epochs = backend === 'wasm' ? 5 : 1;
        for (let epoch = 1; epoch <= epochs; epoch++) {
          await expect.poll(() => stepButton.isEnabled(), { timeout: 60_000 }).toBe(true);
          await stepButton.click();
          await expect
            .poll(() => page.getByTestId('epoch').textContent(), { timeout: 90_000 })
            .toBe(String(epoch));
        }
        const after = Number(await page.getByTestId('train-loss').textContent());
        expect(after).toBeLessThan(before);
        expect(page.url()).toContain('dataset=xor');
        expect(page.url()).toContain('seed=3');
        // The decision map is painted: the canvas holds more than one colour.
        const colours = await page.evaluate(() => {
          const canvas = document.querySelector('figure canvas') as HTMLCanvasElement;
          const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
          const seen = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 97)
            seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
          return seen.size;
        });
        expect(colours).toBeGreaterThan(10);
        // Per-neuron views: one map per hidden neuron (layers of 4 and 2).
        expect(await page.locator('[data-testid=neuron-views] canvas').count()).toBe(6);
        await page.screenshot({ path: join(SHOTS, `playground-${backend}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 240_000);

      it("Activations, losses, optimizers: sigmoid'(0) = 0.25, momentum beats SGD in the valley; no errors, no axe violations", async (ctx) => {
        const { page, errors, label } = await open('functions', backend);
        if (!label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${label}); skipped.`);
          await page.close();
          ctx.skip();
        }
        await expect
          .poll(() => page.getByTestId('activation-values').textContent(), { timeout: 90_000 })
          .toContain("sigmoid(0) = 0.5, sigmoid'(0) = 0.25");
        await expect
          .poll(() => page.getByTestId('final-Adam').textContent(), { timeout: 150_000 })
          .not.toBe('…');
        const sgdLoss = Number(await page.getByTestId('final-SGD').textContent());
        const momentumLoss = Number(await page.getByTestId('final-Momentum').textContent());
        expect(momentumLoss).toBeLessThan(sgdLoss);
        expect(sgdLoss).toBeLessThan(6.525); // the start: f(-4.5, 1.5)
        await page.getByTestId('activation').selectOption('tanh');
        await expect
          .poll(() => page.getByTestId('activation-values').textContent())
          .toContain("tanh'(0) = 1");
        expect(page.url()).toContain('activation=tanh');
        await page.screenshot({ path: join(SHOTS, `functions-${backend}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 240_000);

      it('Tensors: the products are right; a higher CP rank lowers the error; no errors, no axe violations', async (ctx) => {
        const { page, errors, label } = await open('tensors', backend);
        if (!label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${label}); skipped.`);
          await page.close();
          ctx.skip();
        }
        await expect
          .poll(() => page.getByTestId('products').textContent(), { timeout: 90_000 })
          .toContain('Kronecker A ⊗ B (4 × 4)0102122403043648');
        const cpError = page.getByTestId('error-CP');
        await cpError.waitFor({ timeout: 150_000 });
        const low = Number(await cpError.textContent());
        await page.getByTestId('ratio-TT').waitFor({ timeout: 150_000 });
        await page.locator('input[type=range]').first().fill('12');
        await expect.poll(() => page.url()).toContain('cpRank=12');
        await expect
          .poll(async () => Number(await cpError.textContent()), { timeout: 150_000 })
          .toBeLessThan(low);
        await page.screenshot({ path: join(SHOTS, `tensors-${backend}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 240_000);

      it('Regularization: a big network overfits, early stopping restores the best epoch, the capacity sweep and k-fold run, augmentation changes the digits; no errors, no axe violations', async (ctx) => {
        // SwiftShader takes ~0.1 s per epoch of this small network: fewer epochs there.
        const epochs = backend === 'wasm' ? 300 : 40;
        const { page, errors, label } = await open(`regularization?epochs=${epochs}&patience=20`, backend);
        if (!label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${label}); skipped.`);
          await page.close();
          ctx.skip();
        }
        // The page trains once when it opens: early stopping ends it and restores the best epoch's weights.
        await page.getByTestId('early-stopping').waitFor({ timeout: 200_000 });
        const best = Number(await page.getByTestId('best-epoch').textContent());
        expect(await page.getByTestId('early-stopping').textContent()).toContain(
          `restored the weights of epoch ${best}`,
        );
        const lowest = Number(
          /Lowest validation MSE ([\d.]+)/.exec(
            (await page.locator('figcaption').first().textContent()) ?? '',
          )?.[1],
        );
        const restored = Number(await page.getByTestId('restored-val-loss').textContent());
        expect(restored).toBeCloseTo(lowest, 3);
        const first = Number(await page.getByTestId('reg-train-loss').textContent());
        expect(first).toBeGreaterThan(0);
        // Without early stopping the big network overfits: training MSE far below validation MSE.
        await page.getByTestId('patience').fill('0');
        await expect.poll(() => page.url()).not.toContain('patience=');
        await page.getByTestId('reg-train').click();
        await page.getByTestId('final-val-loss').waitFor({ timeout: 200_000 });
        expect(Number(await page.getByTestId('reg-epoch').textContent())).toBe(epochs);
        const trainLoss = Number(await page.getByTestId('reg-train-loss').textContent());
        const valLoss = Number(await page.getByTestId('reg-val-loss').textContent());
        expect(trainLoss).toBeLessThan(valLoss);
        // k-fold: one score per fold and their mean.
        await page.getByTestId('folds').fill('3');
        await page.getByTestId('run-kfold').click();
        await page.getByTestId('kfold-mean').waitFor({ timeout: 200_000 });
        const scores = (await page.getByTestId('fold-score').allTextContents()).map(Number);
        expect(scores).toHaveLength(3);
        const mean = Number(await page.getByTestId('kfold-mean').textContent());
        expect(mean).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 3, 3);
        if (backend === 'wasm') {
          await page.getByTestId('sweep').click();
          await expect
            .poll(() => page.locator('[data-testid=capacity-table] tbody tr').count(), { timeout: 200_000 })
            .toBe(8);
        }
        // Augmentation previews: the digits change; no erasing, and they still change (rotation, zoom, shift, noise).
        await expect
          .poll(async () => Number(await page.getByTestId('augment-change').textContent()))
          .toBeGreaterThan(0.01);
        await page.getByTestId('erasing').fill('0');
        await expect.poll(() => page.url()).toContain('erasing=0');
        await page.getByTestId('augment-again').click();
        await expect.poll(() => page.url()).toContain('augmentSeed=2');
        await page.screenshot({ path: join(SHOTS, `regularization-${backend}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 400_000);

      it('Convnets: LeNet-5 trains on MNIST, a drawn 1 is classified 1, every map and filter and Grad-CAM are drawn; no errors, no axe violations', async (ctx) => {
        // WASM trains the default run (4,000 images, batches of 32: 125 Adam steps, a few seconds) and draws
        // with the weights it learned. SwiftShader compiles and runs every shader on the CPU: a forward pass of
        // the 1,000 test images took over 150 s there, so on WebGPU the page loads the shipped LeNet-5
        // (public/models/lenet5/, by scripts/train-digits.ts lenet5, the Compression page's) instead, and the
        // drawing is classified by it.
        const { page, errors, label } = await open('convnets?seed=2', backend);
        if (!label.includes(backend)) {
          console.warn(`[tensorfold] ${backend} did not start in Chromium (${label}); skipped.`);
          await page.close();
          ctx.skip();
        }
        await expect
          .poll(() => page.getByTestId('filter-count').textContent(), { timeout: 60_000 })
          .toBe('136');
        if (backend === 'wasm') {
          await page.getByTestId('train').click();
          await expect
            .poll(() => page.getByTestId('test-accuracy').count(), { timeout: 200_000, interval: 1000 })
            .toBe(1);
          expect(await page.getByTestId('batches').textContent()).toBe('125');
          expect(Number(await page.getByTestId('samples-per-second').textContent())).toBeGreaterThan(0);
          const trained = Number.parseFloat((await page.getByTestId('test-accuracy').textContent()) ?? '');
          expect(trained).toBeGreaterThan(80);
        } else {
          await page.getByTestId('load-weights').click();
          await page.getByTestId('loaded-note').waitFor({ timeout: 120_000 });
          // The page shows the weights' training.json: its command and its measured accuracy.
          const shipped = JSON.parse(
            readFileSync(join(APP_DIR, 'public', 'models', 'lenet5', 'training.json'), 'utf8'),
          ) as { command: string; result: { testAccuracy: number } };
          const shown = (await page.getByTestId('weights-record').textContent()) ?? '';
          expect(shown).toContain(shipped.command);
          expect(shown).toContain(`${Number((shipped.result.testAccuracy * 100).toFixed(1))}% accuracy`);
        }
        // Draw a 1: one stroke down the middle of the pad.
        await page.getByTestId('draw-pad').scrollIntoViewIfNeeded();
        const pad = await page.getByTestId('draw-pad').boundingBox();
        if (!pad) throw new Error('The drawing pad is not on the page.');
        await page.mouse.move(pad.x + pad.width * 0.52, pad.y + pad.height * 0.15);
        await page.mouse.down();
        for (let i = 1; i <= 10; i++)
          await page.mouse.move(
            pad.x + pad.width * (0.52 - 0.02 * (i / 10)),
            pad.y + pad.height * (0.15 + 0.7 * (i / 10)),
          );
        await page.mouse.up();
        await expect.poll(() => page.getByTestId('predicted').textContent(), { timeout: 200_000 }).toBe('1');
        await page.getByTestId('cam').waitFor();
        expect(await page.getByTestId('map-count').textContent()).toBe('48'); // c1 8 + s2 8 + c3 16 + s4 16
        expect(await page.getByTestId('stated-lenet5').textContent()).toBe('62,430');
        await page.getByTestId('cam-layer').selectOption('c1');
        await expect.poll(() => page.url()).toContain('camLayer=c1');
        expect(page.url()).toContain('seed=2');
        await page.screenshot({ path: join(SHOTS, `convnets-${backend}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 300_000);
    });
  }

  it('a broken URL state resets to the defaults and says so', async () => {
    const { page, errors } = await open('neurons?steps=banana&w1=2', 'wasm');
    expect(await page.getByTestId('reset-notice').textContent()).toContain('steps');
    expect(await page.getByTestId('fruit-weights').textContent()).toContain('Step 0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Convnets: an upload that is not an image is refused with a reason; a huge picture is resized; the gallery counts built models', async () => {
    const { page, errors } = await open('convnets', 'wasm');
    const upload = page.getByTestId('upload');
    await upload.setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a digit'),
    });
    expect(await page.getByTestId('upload-problem').textContent()).toContain(
      '“notes.txt” is not an image (text/plain)',
    );
    // A 3000 x 2000 PNG of a dark 7 on white paper, made in the page.
    const png = await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(3000, 2000);
      const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, 3000, 2000);
      ctx.strokeStyle = '#000000';
      ctx.lineWidth = 120;
      ctx.beginPath();
      ctx.moveTo(1100, 400);
      ctx.lineTo(1900, 400);
      ctx.lineTo(1400, 1700);
      ctx.stroke();
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    });
    await upload.setInputFiles({
      name: 'seven.png',
      mimeType: 'image/png',
      buffer: Buffer.from(png, 'base64'),
    });
    await expect
      .poll(() => page.getByTestId('digit-note').textContent())
      .toContain('“seven.png” is 3000 × 2000 pixels: resized to 280 × 187');
    expect(await page.getByTestId('upload-problem').count()).toBe(0);
    await page.getByTestId('predicted').waitFor();
    await page.getByTestId('count-params').click();
    await expect
      .poll(() => page.getByTestId('counted-lenet5').textContent(), { timeout: 60_000 })
      .toBe('62,430');
    await expect
      .poll(() => page.getByTestId('counted-vggsmall').textContent(), { timeout: 60_000 })
      .toBe(await page.getByTestId('stated-vggsmall').textContent());
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Regularization and Convnets reset a broken URL and say which value was wrong', async () => {
    for (const [hash, bad] of [
      ['regularization?units=999&epochs=20', 'units'],
      ['convnets?samples=99999&camLayer=c9', 'samples, camLayer'],
    ]) {
      const { page, errors } = await open(hash, 'wasm');
      expect(await page.getByTestId('reset-notice').textContent()).toContain(`(${bad})`);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('a browser with neither WebGPU nor WASM SIMD falls back to plain WASM, says so, and still trains', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = watchErrors(page);
    // A stand-in for such a browser (Debian's Chromium has both): before any script runs, navigator.gpu is
    // removed, and every WebAssembly module holding a SIMD instruction (opcode prefix 0xfd) fails to
    // validate and to compile, which is how tfjs-backend-wasm and tensorfold's kernels detect SIMD.
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
      const hasSimd = (source: BufferSource) =>
        new Uint8Array(ArrayBuffer.isView(source) ? source.buffer : source).includes(0xfd);
      const validate = WebAssembly.validate.bind(WebAssembly);
      WebAssembly.validate = (source: BufferSource) => !hasSimd(source) && validate(source);
      const NativeModule = WebAssembly.Module;
      WebAssembly.Module = function (this: unknown, source: BufferSource) {
        if (hasSimd(source)) throw new WebAssembly.CompileError('SIMD is not supported here');
        return new NativeModule(source);
      } as unknown as typeof WebAssembly.Module;
    });
    await page.goto(`${site.url}#playground?dataset=xor&seed=3`);
    await expect
      .poll(() => page.textContent('[data-testid=backend]'), { timeout: 60_000 })
      .toBe('Runs on: wasm (no SIMD, 1 thread)');
    const stepButton = page.getByTestId('play-step');
    await expect.poll(() => stepButton.isEnabled(), { timeout: 60_000 }).toBe(true);
    const before = Number(await page.getByTestId('train-loss').textContent());
    await stepButton.click();
    await expect.poll(() => page.getByTestId('epoch').textContent(), { timeout: 90_000 }).toBe('1');
    expect(Number(await page.getByTestId('train-loss').textContent())).toBeLessThan(before);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('the Playground resets a broken URL (too many neurons) and says so, then writes its state back', async () => {
    const { page, errors } = await open('playground?layers=4,99&dataset=spiral', 'wasm');
    expect(await page.getByTestId('reset-notice').textContent()).toContain('layers');
    expect(await page.getByTestId('dataset').inputValue()).toBe('circle');
    await page.getByTestId('dataset').selectOption('gaussians');
    await expect.poll(() => page.url()).toContain('#playground?dataset=gaussians');
    expect(errors).toEqual([]);
    await page.close();
  });
});
