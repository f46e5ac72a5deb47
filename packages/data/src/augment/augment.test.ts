/**
 * Every augmentation on real MNIST digits, checked pixel by pixel against where the pixels must go.
 */

import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tensorfold/backend';
import { backendsForTests } from '@tensorfold/backend/testing';
import { ConfigError, Random, ShapeError } from '@tensorfold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesFromTensors } from '../dataset/sources.js';
import type { LabeledData } from '../loaders/labeled.js';
import { loadMnist } from '../node/mnist.js';
import { useCpu } from '../test-utils/setup.js';
import { augmentBatches, augmenter } from './augmentation.js';
import { grayscale, randomBrightness, randomContrast } from './color.js';
import { centerCrop, randomCrop, resize } from './crop.js';
import {
  affineTransform,
  randomAffine,
  randomFlip,
  randomRotation,
  randomShear,
  randomTranslation,
  randomZoom,
} from './geometric.js';
import type { Matrix3 } from './matrix.js';
import { gaussianNoise, randomErasing } from './noise.js';
import { resampleImages, type SamplingOptions } from './resample.js';

type Image = number[][]; // [row][col], one channel

let mnist: LabeledData;
/** Two different real digits, [2, 28, 28, 1]: the test set's first images, a 7 and a 2. */
let digits: tf.Tensor4D;
let pixels: Image[];

async function toImages(batch: tf.Tensor): Promise<Image[]> {
  const a = (await batch.array()) as number[][][][];
  return a.map((img) => img.map((row) => row.map((px) => px[0])));
}

/** Runs one augmentation (seeded) on the digits and returns the result as images. */
async function run(
  aug: Parameters<typeof augmenter>[0][number],
  seed = 1,
  input: tf.Tensor4D = digits,
): Promise<Image[]> {
  const before = tf.memory().numTensors;
  const out = augmenter([aug], { seed }).apply(input);
  expect(tf.memory().numTensors).toBe(before + 1);
  const images = await toImages(out);
  out.dispose();
  return images;
}

/** Asserts out[r][c] == expected(r, c) for every pixel of every image (with `tolerance`). */
function expectPixels(
  out: Image[],
  expected: (image: number, r: number, c: number) => number,
  tolerance = 0,
): void {
  let checked = 0;
  out.forEach((img, i) => {
    img.forEach((row, r) => {
      row.forEach((v, c) => {
        const e = expected(i, r, c);
        if (Math.abs(v - e) > tolerance)
          throw new Error(`image ${i} pixel (${r}, ${c}) is ${v}, expected ${e}`);
        checked++;
      });
    });
  });
  expect(checked).toBe(out.length * 28 * 28);
}

const at = (i: number, r: number, c: number) => (r >= 0 && r < 28 && c >= 0 && c < 28 ? pixels[i][r][c] : 0);

/** CPU, WASM, and WebGPU where it starts (skipped with a notice otherwise, unless TENSORFOLD_REQUIRE_WEBGPU=1). */
const backends = await backendsForTests();

describe.each(backends)('augmentations on real MNIST digits, %s backend', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
    mnist = await loadMnist({ split: 'test', limit: 2 });
    digits = mnist.xs as tf.Tensor4D;
    pixels = await toImages(digits);
  });
  afterAll(() => mnist.dispose());

  it('the digits are real: a 7 and a 2 with ink in the middle', () => {
    expect(Array.from(mnist.labels)).toEqual([7, 2]);
    expect(pixels[0][14][14]).toBe(0); // the middle of a 7 is empty ...
    expect(Math.max(...pixels[0][8])).toBeGreaterThan(0.9); // ... its top bar is ink
  });

  it('horizontal and vertical flips mirror every pixel', async () => {
    const h = await run(randomFlip({ probability: 1 }));
    expectPixels(h, (i, r, c) => at(i, r, 27 - c));
    const v = await run(randomFlip({ mode: 'vertical', probability: 1 }));
    expectPixels(v, (i, r, c) => at(i, 27 - r, c));
    const both = await run(randomFlip({ mode: 'both', probability: 1 }));
    expectPixels(both, (i, r, c) => at(i, 27 - r, 27 - c));
    expectPixels(await run(randomFlip({ probability: 0 })), (i, r, c) => at(i, r, c));
  });

  it('random flips choose per image, repeatably for a seed', async () => {
    const batch = tf.tile(tf.slice(digits, [0], [1]), [16, 1, 1, 1]) as tf.Tensor4D;
    const out = await run(randomFlip(), 3, batch);
    const flipped = out.map((img) => img[8][20] !== pixels[0][8][20] || img[8][7] !== pixels[0][8][7]);
    expect(flipped.some(Boolean)).toBe(true);
    expect(flipped.every(Boolean)).toBe(false);
    expect(await run(randomFlip(), 3, batch)).toEqual(out);
    batch.dispose();
  });

  it('rotation by 90 degrees counterclockwise moves (r, c) to (27 - c, r)', async () => {
    const out = await run(randomRotation({ degrees: [90, 90], interpolation: 'nearest' }));
    expectPixels(out, (i, r, c) => at(i, c, 27 - r));
    const smooth = await run(randomRotation({ degrees: [90, 90] }));
    expectPixels(smooth, (i, r, c) => at(i, c, 27 - r), 1e-5);
  });

  it('a random rotation keeps the ink and differs per image and per seed', async () => {
    const out = await run(randomRotation({ degrees: 30, interpolation: 'nearest' }), 5);
    expect(out[0]).not.toEqual(pixels[0]);
    expect(await run(randomRotation({ degrees: 30, interpolation: 'nearest' }), 5)).toEqual(out);
    expect(await run(randomRotation({ degrees: 30, interpolation: 'nearest' }), 6)).not.toEqual(out);
    const ink = (img: Image) => img.flat().filter((v) => v > 0.5).length;
    expect(Math.abs(ink(out[0]) - ink(pixels[0]))).toBeLessThan(0.15 * ink(pixels[0]));
  });

  it('translation shifts every pixel by whole pixels (right 3, down 2), filling with 0', async () => {
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const out = await run(randomTranslation({ x: [3 / 28, 3 / 28], y: [2 / 28, 2 / 28], interpolation }));
      expectPixels(out, (i, r, c) => at(i, r - 2, c - 3), 1e-6);
    }
  });

  it('fill modes: a half-width shift wraps, mirrors or repeats the edge, the same on every backend', async () => {
    // WASM's Transform kernel mirrors at the wrong edge (tfjs-backend-wasm 4.22): this caught it.
    const shifted = (fillMode: 'wrap' | 'reflect' | 'nearest') =>
      run(randomTranslation({ x: [0.5, 0.5], y: [0, 0], interpolation: 'nearest', fillMode }));
    // output column c reads input column c - 14
    expectPixels(await shifted('wrap'), (i, r, c) => at(i, r, (c - 14 + 28) % 28));
    expectPixels(await shifted('reflect'), (i, r, c) => at(i, r, c >= 14 ? c - 14 : 13 - c));
    expectPixels(await shifted('nearest'), (i, r, c) => at(i, r, Math.max(c - 14, 0)));
  });

  it('zoom by 2 enlarges and by 0.8 shrinks about the center', async () => {
    const out = await run(randomZoom({ range: [2, 2], interpolation: 'nearest' }));
    // Output (r, c) comes from input (13.5 + (r - 13.5) / 2, ...), rounded.
    expectPixels(out, (i, r, c) =>
      at(i, Math.round(13.5 + (r - 13.5) / 2), Math.round(13.5 + (c - 13.5) / 2)),
    );
    const out2 = await run(randomZoom({ range: [0.8, 0.8], interpolation: 'nearest', fillValue: 0.25 }));
    expect(out2[0][0][0]).toBe(0.25); // zooming out uncovers the border
    // Output (r, c) comes from input (1.25 r - 3.375, 1.25 c - 3.375), rounded (never a tie, so every
    // backend agrees); outside the image it is the fill value.
    const inside = (k: number) => k >= 0 && k < 28;
    expectPixels(out2, (i, r, c) => {
      const [sr, sc] = [Math.round(1.25 * r - 3.375), Math.round(1.25 * c - 3.375)];
      return inside(sr) && inside(sc) ? at(i, sr, sc) : 0.25;
    });
  });

  it('shear slants rows: x moves by tan(angle) times the distance from the middle row', async () => {
    const degrees = (Math.atan(0.5) * 180) / Math.PI;
    const out = await run(randomShear({ degrees: [degrees, degrees], interpolation: 'nearest' }));
    expectPixels(out, (i, r, c) => at(i, r, Math.round(c - 0.5 * (r - 13.5))));
  });

  it('a general affine transform (here: a mirror plus a shift) maps pixels exactly', async () => {
    const out = await run(affineTransform([-1, 0, 2, 0, 1, 0], { interpolation: 'nearest' }));
    // x' - 13.5 = -(x - 13.5) + 2, so output column c shows input column 29 - c.
    expectPixels(out, (i, r, c) => at(i, r, 29 - c));
  });

  it('randomAffine composes rotation, zoom, shear and shift in one resampling, seeded', async () => {
    const aug = () =>
      randomAffine({ degrees: 15, zoom: 0.1, shearDegrees: 10, translateX: 0.1, translateY: 0.1 });
    const a = await run(aug(), 9);
    expect(a).toEqual(await run(aug(), 9));
    expect(a[0]).not.toEqual(pixels[0]);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('padding and random cropping shift the digit by whole pixels', async () => {
    const out = await run(randomCrop({ padding: 4 }), 2);
    for (const [i, img] of out.entries()) {
      const offsets: Array<[number, number]> = [];
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          if (img.every((row, r) => row.every((v, c) => v === at(i, r + dy, c + dx)))) offsets.push([dy, dx]);
        }
      }
      expect(offsets.length).toBeGreaterThanOrEqual(1);
    }
    const small = await run(randomCrop({ size: [20, 24] }), 2);
    expect([small[0].length, small[0][0].length]).toEqual([20, 24]);
    const center = await run(centerCrop([20, 20]));
    expectPixels(
      center
        .map((img) =>
          Array.from({ length: 28 }, (_, r) =>
            Array.from({ length: 28 }, (_, c) => (r < 20 && c < 20 ? img[r][c] : at(0, r, c))),
          ),
        )
        .slice(0, 1),
      (_i, r, c) => (r < 20 && c < 20 ? at(0, r + 4, c + 4) : at(0, r, c)),
    );
  });

  it('resize: halving by nearest keeps every second pixel, doubling bilinearly keeps the originals', async () => {
    const half = await run(resize([14, 14], { method: 'nearest' }));
    half.forEach((img, i) => {
      img.forEach((row, r) => {
        row.forEach((v, c) => {
          expect(v).toBe(at(i, 2 * r, 2 * c));
        });
      });
    });
    const double = await run(resize([56, 56]));
    double.forEach((img, i) => {
      for (let r = 0; r < 28; r++)
        for (let c = 0; c < 28; c++) expect(img[2 * r][2 * c]).toBeCloseTo(at(i, r, c), 5);
    });
  });

  it('resize with halfPixelCenters samples pixel centers: halving is a 2x2 mean (bilinear) or keeps odd pixels (nearest)', async () => {
    const mean = await run(resize([14, 14], { halfPixelCenters: true }));
    const odd = await run(resize([14, 14], { method: 'nearest', halfPixelCenters: true }));
    for (let i = 0; i < mean.length; i++) {
      for (let r = 0; r < 14; r++) {
        for (let c = 0; c < 14; c++) {
          const block = [
            at(i, 2 * r, 2 * c),
            at(i, 2 * r, 2 * c + 1),
            at(i, 2 * r + 1, 2 * c),
            at(i, 2 * r + 1, 2 * c + 1),
          ];
          expect(mean[i][r][c]).toBeCloseTo((block[0] + block[1] + block[2] + block[3]) / 4, 5);
          expect(odd[i][r][c]).toBe(at(i, 2 * r + 1, 2 * c + 1));
        }
      }
    }
    expect(() => resize([14, 14], { alignCorners: true, halfPixelCenters: true })).toThrow(/not both/);
  });

  it('brightness adds the same amount to every pixel, clipped to [0, 1]', async () => {
    const out = await run(randomBrightness({ delta: [0.2, 0.2] }));
    expectPixels(out, (i, r, c) => Math.min(1, at(i, r, c) + 0.2), 1e-6);
    const random = await run(randomBrightness({ delta: 0.3, clip: null }), 4);
    const shift = random[0][0][0] - pixels[0][0][0];
    expect(Math.abs(shift)).toBeLessThanOrEqual(0.3);
    expectPixels(random.slice(0, 1), (i, r, c) => at(i, r, c) + shift, 1e-6);
  });

  it('contrast scales each image around its mean', async () => {
    const out = await run(randomContrast({ factor: [2, 2] }));
    out.forEach((img, i) => {
      const mean = pixels[i].flat().reduce((a, b) => a + b) / 784;
      expectPixels([img], (_k, r, c) => Math.min(1, Math.max(0, (at(i, r, c) - mean) * 2 + mean)), 1e-5);
    });
  });

  it('grayscale turns a tinted RGB digit into its luminance', async () => {
    const rgb = tf.tidy(() =>
      tf.concat([digits, tf.mul(digits, 0.5), tf.mul(digits, 0.25)], 3),
    ) as tf.Tensor4D;
    const out = augmenter([grayscale({ channels: 1 })], { seed: 1 }).apply(rgb);
    expect(out.shape).toEqual([2, 28, 28, 1]);
    expectPixels(await toImages(out), (i, r, c) => at(i, r, c) * (0.299 + 0.587 * 0.5 + 0.114 * 0.25), 1e-6);
    const kept = augmenter([grayscale()], { seed: 1 }).apply(rgb);
    expect(kept.shape).toEqual([2, 28, 28, 3]);
    tf.dispose([rgb, out, kept]);
    expect(() => augmenter([grayscale()], { seed: 1 }).apply(digits)).toThrow(/needs RGB images/);
  });

  it('Gaussian noise has the asked spread, is the same for a seed and differs for another', async () => {
    const out = await run(gaussianNoise({ stddev: 0.1 }), 3);
    const diffs = out.flatMap((img, i) => img.flatMap((row, r) => row.map((v, c) => v - at(i, r, c))));
    const mean = diffs.reduce((a, b) => a + b) / diffs.length;
    const std = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / diffs.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
    expect(await run(gaussianNoise({ stddev: 0.1 }), 3)).toEqual(out);
    expect(await run(gaussianNoise({ stddev: 0.1 }), 4)).not.toEqual(out);
  });

  it('random erasing overwrites one rectangle and leaves every other pixel alone', async () => {
    const out = await run(randomErasing({ probability: 1, area: [0.1, 0.2], value: 0.5 }), 8);
    for (const [i, img] of out.entries()) {
      const erased: Array<[number, number]> = [];
      img.forEach((row, r) => {
        row.forEach((v, c) => {
          if (v === 0.5) erased.push([r, c]);
          else expect(v).toBe(at(i, r, c));
        });
      });
      const rows = erased.map(([r]) => r);
      const cols = erased.map(([, c]) => c);
      const box = (Math.max(...rows) - Math.min(...rows) + 1) * (Math.max(...cols) - Math.min(...cols) + 1);
      expect(erased.length).toBe(box); // a full rectangle
      expect(box / 784).toBeGreaterThanOrEqual(0.08);
      expect(box / 784).toBeLessThanOrEqual(0.22);
    }
  });

  it('checks its input and options', () => {
    expect(() => augmenter([randomFlip()]).apply(tf.zeros([28, 28, 1]) as unknown as tf.Tensor4D)).toThrow(
      ShapeError,
    );
    expect(() => randomFlip({ probability: 2 })).toThrow(ConfigError);
    expect(() => randomZoom({ range: [0, 1] })).toThrow(ConfigError);
    expect(() => randomCrop({ padding: -1 })).toThrow(ConfigError);
    expect(() => randomErasing({ area: [0.5, 2] })).toThrow(ConfigError);
    expect(() => new Random(1) && augmenter([{} as never])).toThrow(ConfigError);
  });

  it('rejects options that used to fail only when applied, or not at all', () => {
    expect(() => resize([14, 14], { method: 'bicubic' as 'nearest' })).toThrow(ConfigError); // was bilinear
    expect(() => gaussianNoise({ stddev: Number.POSITIVE_INFINITY })).toThrow(ConfigError);
    expect(() => randomErasing({ value: Number.NaN })).toThrow(ConfigError);
    for (const clip of [[1, 0], [0, Number.NaN], [0]] as unknown as Array<[number, number]>) {
      expect(() => randomBrightness({ delta: 0.1, clip })).toThrow(ConfigError);
      expect(() => randomContrast({ factor: 0.1, clip })).toThrow(ConfigError);
      expect(() => gaussianNoise({ stddev: 0.1, clip })).toThrow(ConfigError);
    }
    expect(() => randomBrightness({ delta: 0.1, clip: null })).not.toThrow();
  });

  it('resampling checks its options, matrices and images up front, the same on every backend', () => {
    // An unknown fill mode behaved as 'constant' on the CPU backend and failed inside tfjs elsewhere.
    expect(() => randomAffine({ degrees: 10, fillMode: 'mirror' as 'wrap' })).toThrow(ConfigError);
    expect(() => affineTransform([1, 0, 0, 0, 1, 0], { interpolation: 'cubic' as 'nearest' })).toThrow(
      ConfigError,
    );
    expect(() => randomAffine({ fillValue: Number.NaN })).toThrow(ConfigError);
    const identity: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    expect(() => resampleImages(digits, [identity])).toThrow(/1 matrices for 2 images/);
    expect(() => resampleImages(digits, [identity, identity], {}, [0, 5])).toThrow(ConfigError);
    expect(() => resampleImages(tf.zeros([28, 28, 1]) as unknown as tf.Tensor4D, [identity])).toThrow(
      ShapeError,
    );
  });

  it('a singular affine matrix is a ConfigError when made, not a RangeError when applied', () => {
    expect(() => affineTransform([0, 0, 0, 0, 0, 0])).toThrow(ConfigError);
    expect(() => affineTransform([1, 2, 0, 2, 4, 0])).toThrow(/not invertible/);
  });

  it('an augmentation that fails leaves the augmenter where it was: the next batch is as if it never ran', async () => {
    // [2, 4, 4, 3] RGB and the same as 1 channel; grayscale refuses the 1-channel batch after the
    // noise has drawn its numbers.
    const rgb = tf.reshape(tf.range(0, 96), [2, 4, 4, 3]) as tf.Tensor4D;
    const gray = tf.reshape(tf.range(0, 32), [2, 4, 4, 1]) as tf.Tensor4D;
    const make = () => augmenter([gaussianNoise({ stddev: 1 }), grayscale()], { seed: 5 });
    const fresh = make().apply(rgb);
    const failed = make();
    expect(() => failed.apply(gray)).toThrow(/needs RGB images/);
    const after = failed.apply(rgb);
    expect(Array.from(await after.data())).toEqual(Array.from(await fresh.data()));
    tf.dispose([rgb, gray, fresh, after]);
  });
});

describe('augmentation in a pipeline', () => {
  beforeAll(useCpu);
  it('augments the xs of each batch, the same way for the same seed, without leaks', async () => {
    const data = await loadMnist({ split: 'test', limit: 64 });
    const pipeline = (seed: number) =>
      batchesFromTensors({ xs: data.xs, ys: data.ys }, { batchSize: 16, seed: 1 }).map(
        augmentBatches(augmenter([randomFlip(), randomRotation({ degrees: 10 }), randomErasing()], { seed })),
      );
    const collect = async (seed: number) => {
      const out: number[][] = [];
      for await (const { xs, ys } of pipeline(seed)) {
        expect(xs.shape).toEqual([16, 28, 28, 1]);
        out.push(Array.from(await xs.data()), Array.from(await ys.data()));
        tf.dispose([xs, ys]);
      }
      return out;
    };
    const before = tf.memory().numTensors;
    const a = await collect(7);
    expect(tf.memory().numTensors).toBe(before);
    expect(await collect(7)).toEqual(a);
    const b = await collect(8);
    expect(b).not.toEqual(a);
    expect(b[1]).toEqual(a[1]); // same labels: only the images are augmented
    data.dispose();
  });
});

describe('JS resampling against the tfjs Transform kernel', () => {
  afterAll(useCpu);
  it('gives the pixels of the kernel for sub-pixel shifts and rotations in every fill mode', async () => {
    // [1, 5, 6, 1], distinct values; shifts of a fraction of a pixel sample across the borders.
    const values = Array.from({ length: 30 }, (_, i) => (i * 7) % 30);
    const matrices: Matrix3[] = [
      [1, 0, 2.3, 0, 1, -1.6, 0, 0, 1],
      [Math.cos(0.4), Math.sin(0.4), -0.7, -Math.sin(0.4), Math.cos(0.4), 0.45, 0, 0, 1],
    ];
    const resampled = async (backend: 'cpu' | 'wasm', m: Matrix3, options: SamplingOptions) => {
      await useBackend(backend);
      const image = tf.tensor4d(values, [1, 5, 6, 1]);
      const out = resampleImages(image, [m], { ...options, fillValue: 0.5 });
      const data = Array.from(await out.data());
      tf.dispose([image, out]);
      return data;
    };
    // Not 'reflect': WASM's kernel gets it wrong (the fill-mode test above checks it on every backend).
    for (const fillMode of ['constant', 'wrap', 'nearest'] as const) {
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        for (const m of matrices) {
          const js = await resampled('cpu', m, { fillMode, interpolation });
          const kernel = await resampled('wasm', m, { fillMode, interpolation });
          js.forEach((v, i) => {
            if (Math.abs(v - kernel[i]) > 1e-4)
              throw new Error(
                `${fillMode}, ${interpolation}: pixel ${i} is ${v}, the kernel gives ${kernel[i]}`,
              );
          });
        }
      }
    }
  });
});
