import { readFileSync } from 'node:fs';
import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { fileSystem } from '@tensorfold/core/node';
import { models } from '@tensorfold/models-cnn/descriptions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_FILES, MNIST_SUBSET, mnistSubsetFile } from '../../../build/mnist';
import { type DigitSet, parseDigits } from '../../lib/mnist';
import type { TrainingRecord } from '../../lib/shipped';
import { DigitClassifier, digitTensor, SIDE } from './classifier';
import { fitSize, inkFromRgba, looksLikeImage, toMnist } from './digit';
import { countBuilt, galleryRows, statedParams } from './gallery';

let train: DigitSet;
let test: DigitSet;

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
  train = parseDigits(mnistSubsetFile(MNIST_FILES.trainImages), mnistSubsetFile(MNIST_FILES.trainLabels));
  test = parseDigits(mnistSubsetFile(MNIST_FILES.testImages), mnistSubsetFile(MNIST_FILES.testLabels));
});

describe('the MNIST subset the site carries', () => {
  it('holds the first images of each split, parsed by the IDX loader', () => {
    expect(train.count).toBe(MNIST_SUBSET.train);
    expect(test.count).toBe(MNIST_SUBSET.test);
    expect(train.pixels).toHaveLength(MNIST_SUBSET.train * 784);
    // The first training labels of MNIST are 5, 0, 4, 1, 9; the first test labels 7, 2, 1, 0, 4.
    expect([...train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect([...test.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
  });
});

describe('a drawing made into an MNIST digit', () => {
  /** A white vertical bar on black, `width` x `height`, as RGBA. */
  function bar(width: number, height: number, light = false): Uint8ClampedArray {
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inBar = x >= 20 && x < 40 && y >= 30 && y < 130;
        const v = inBar !== light ? 255 : 0;
        rgba.set([v, v, v, 255], 4 * (y * width + x));
      }
    }
    return rgba;
  }

  it('scales the ink into 20 pixels of height and centres its mass at (14, 14)', () => {
    const digit = toMnist(inkFromRgba(bar(200, 160), 200, 160), 200, 160);
    expect(digit).not.toBeNull();
    const image = digit as Float32Array;
    let mass = 0;
    let mx = 0;
    let my = 0;
    let rows = 0;
    for (let y = 0; y < SIDE; y++) {
      let any = false;
      for (let x = 0; x < SIDE; x++) {
        const v = image[y * SIDE + x];
        mass += v;
        mx += v * (x + 0.5);
        my += v * (y + 0.5);
        if (v > 0.5) any = true;
      }
      if (any) rows++;
    }
    expect(rows).toBe(20);
    expect(Math.abs(mx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(my / mass - 14)).toBeLessThanOrEqual(0.5);
  });

  it('reads dark ink on a light page the same as light ink on black', () => {
    const dark = toMnist(inkFromRgba(bar(200, 160, true), 200, 160), 200, 160);
    const light = toMnist(inkFromRgba(bar(200, 160), 200, 160), 200, 160);
    expect(dark).toEqual(light);
  });

  it('finds no digit in a blank picture; shrinks huge pictures; knows image types', () => {
    expect(toMnist(new Float32Array(100), 10, 10)).toBeNull();
    expect(fitSize(6000, 4000)).toEqual({ width: 280, height: 187, resized: true });
    expect(fitSize(100, 50)).toEqual({ width: 100, height: 50, resized: false });
    expect(looksLikeImage('image/png')).toBe(true);
    expect(looksLikeImage('text/plain')).toBe(false);
    expect(looksLikeImage('image/svg+xml')).toBe(false);
  });
});

describe('the LeNet-5 of the page', () => {
  it('trains from the description, classifies, shows every map and filter and Grad-CAM, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const settings = { samples: 640, epochs: 1, batchSize: 64, learningRate: 0.001, seed: 3 };
    const a = await DigitClassifier.create(settings);
    expect(a.model.countParams()).toBe(62430);
    const chance = await a.accuracy(test, 200);
    const report = await a.train(train);
    expect(report.losses).toHaveLength(10);
    expect(report.trained).toBe(640);
    expect(report.samplesPerSecond).toBeGreaterThan(0);
    expect(report.losses.at(-1)).toBeLessThan(report.losses[0]);
    const trained = await a.accuracy(test, 200);
    expect(trained).toBeGreaterThan(chance + 0.2);

    const one = digitTensor(test, 1, 2); // test image 3 is a 1
    const image = (await one.data()) as Float32Array;
    one.dispose();
    const p = await a.classify(image);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    const maps = await a.featureMaps(image);
    expect(maps.map((m) => [m.name, m.height, m.channels])).toEqual([
      ['c1', 28, 8],
      ['s2', 14, 8],
      ['c3', 10, 16],
      ['s4', 5, 16],
    ]);
    const filters = await a.filters();
    expect(filters.map((f) => [f.name, f.size, f.inputs, f.outputs])).toEqual([
      ['c1', 3, 1, 8],
      ['c3', 5, 8, 16],
    ]);
    const cam = await a.gradCam(image, p.indexOf(Math.max(...p)), 'c3');
    expect(cam).toHaveLength(SIDE * SIDE);
    expect(Math.max(...cam)).toBeLessThanOrEqual(1);

    // The same seed gives the same run.
    const b = await DigitClassifier.create(settings);
    const again = await b.train(train);
    expect(again.losses).toEqual(report.losses);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the weights the page ships', () => {
  const dir = new URL('../../../public/models/lenet5/', import.meta.url).pathname;
  const record = JSON.parse(readFileSync(`${dir}training.json`, 'utf8')) as TrainingRecord;
  /** A LeNet-5 of the page holding the shipped weights (the settings only shape the optimizer). */
  async function shipped(): Promise<DigitClassifier> {
    const c = await DigitClassifier.create({
      samples: 100,
      epochs: 1,
      batchSize: 32,
      learningRate: 0.001,
      seed: 1,
    });
    await c.loadWeights(fileSystem(dir));
    return c;
  }

  it("are those scripts/train-digits.ts recorded (the Compression page's), and classify the subset's test images", async () => {
    expect(record.command).toContain('apps/demo/scripts/train-digits.ts lenet5');
    expect(record.data).toMatch(/MNIST training images/);
    expect(record.result.parameters).toBe(62430);
    expect(record.result.testAccuracy).toBeGreaterThan(0.95);
    // No optimizer state shipped: the weights file holds the 62,430 float32 parameters, nothing more.
    const manifest = JSON.parse(readFileSync(`${dir}model.json`, 'utf8'));
    const specs = manifest.weightsManifest.flatMap((g: { weights: { shape: number[] }[] }) => g.weights);
    expect(
      specs.reduce((n: number, w: { shape: number[] }) => n + w.shape.reduce((a, b) => a * b, 1), 0),
    ).toBe(62430);
    const c = await shipped();
    // The script tested on the first 500 MNIST test images, which begin the subset's 1,000.
    expect(await c.accuracy(test, 500)).toBeCloseTo(Number(record.result.testAccuracy), 3);
    expect(await c.accuracy(test)).toBeGreaterThan(0.95);
    c.dispose();
  });

  it('classify a drawn 1 (the stroke of the browser test, drawn as the pad draws it) as 1', async () => {
    // The pad: 280 x 280, black; a white round-capped stroke 20 px wide from (52%, 15%) to (50%, 85%).
    const size = 280;
    const [x0, y0, x1, y1] = [0.52 * size, 0.15 * size, 0.5 * size, 0.85 * size];
    const rgba = new Uint8ClampedArray(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const [px, py] = [x + 0.5, y + 0.5];
        const t = Math.max(
          0,
          Math.min(1, ((px - x0) * (x1 - x0) + (py - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)),
        );
        const distance = Math.hypot(px - (x0 + t * (x1 - x0)), py - (y0 + t * (y1 - y0)));
        const v = Math.round(255 * Math.max(0, Math.min(1, 10.5 - distance))); // anti-aliased edge
        rgba.set([v, v, v, 255], 4 * (y * size + x));
      }
    }
    const image = toMnist(inkFromRgba(rgba, size, size), size, size);
    if (!image) throw new Error('The stroke gave no digit.');
    const c = await shipped();
    const p = await c.classify(image);
    expect(p.indexOf(Math.max(...p))).toBe(1);
    c.dispose();
  });
});

describe('the architecture gallery', () => {
  it('reads each image classifier and its stated parameter count from the descriptions', async () => {
    const rows = galleryRows(models);
    expect(rows.map((r) => r.name)).toContain('lenet5');
    expect(rows.find((r) => r.name === 'vgg16')).toMatchObject({ stated: 138357544, buildable: false });
    expect(statedParams('no count here')).toBeNull();
    const lenet = models.find((m) => m.name === 'lenet5');
    if (!lenet) throw new Error('lenet5 is not described');
    expect(await countBuilt(lenet)).toBe(rows.find((r) => r.name === 'lenet5')?.stated);
  });
});
