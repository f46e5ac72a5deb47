import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MNIST_FILES, mnistSubsetFile } from '../../../build/mnist';
import { parseDigits } from '../../lib/mnist';
import { defaults } from '../../lib/url-state';
import { augmentations, previews } from './augment';
import { CAPACITIES, capacitySweep, fitCurves, kFoldScores, sineData, TRAIN_POINTS } from './fitting';
import { regularizationSchema } from './state';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

const base = defaults(regularizationSchema);

describe('the noisy sine', () => {
  it('is seeded, and its training and validation points never share an x', async () => {
    const a = await sineData(4);
    expect(await sineData(4)).toEqual(a);
    expect((await sineData(5)).train.y).not.toEqual(a.train.y);
    expect(a.train.x).toHaveLength(TRAIN_POINTS);
    const train = new Set(a.train.x.map((x) => x.toFixed(6)));
    expect(a.validation.x.some((x) => train.has(x.toFixed(6)))).toBe(false);
    expect(Math.max(...a.train.x.map(Math.abs))).toBeLessThanOrEqual(1);
  });
});

describe('training curves', () => {
  it('a big network overfits: training loss falls far below the validation loss; same seed, same curves; no leaks', async () => {
    const data = await sineData(1);
    const before = tf.memory().numTensors;
    const settings = { ...base, units: 64, epochs: 300 };
    const a = await fitCurves(data, settings);
    expect(a.trainLoss).toHaveLength(300);
    expect(a.trainLoss.at(-1)).toBeLessThan(a.trainLoss[0] / 5);
    expect(a.validationLoss.at(-1)).toBeGreaterThan(a.trainLoss.at(-1) as number);
    expect(a.restoredEpoch).toBeNull();
    expect(a.finalValidation).toBeCloseTo(a.validationLoss.at(-1) as number, 5);
    expect(a.curve).toHaveLength(100);
    const b = await fitCurves(data, settings);
    expect(b.trainLoss).toEqual(a.trainLoss);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('early stopping restores the weights of the best validation epoch', async () => {
    const data = await sineData(1);
    const r = await fitCurves(data, { ...base, units: 64, epochs: 400, patience: 30 });
    const best = Math.min(...r.validationLoss);
    expect(r.restoredEpoch).toBe(r.validationLoss.indexOf(best) + 1);
    expect(r.finalValidation).toBeCloseTo(best, 5);
    if (r.stoppedEpoch !== null) {
      expect(r.trainLoss).toHaveLength(r.stoppedEpoch);
      expect(r.stoppedEpoch - (r.restoredEpoch as number)).toBe(30);
    }
  });

  it('trains with dropout, batch norm and L2 on', async () => {
    const data = await sineData(2);
    const r = await fitCurves(data, { ...base, epochs: 30, dropout: 0.2, batchNorm: 'on', l2: 0.001 });
    expect(r.trainLoss.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(r.finalValidation)).toBe(true);
  });
});

describe('capacity and k-fold', () => {
  it('the sweep trains every size; the biggest fits the training points better than the smallest', async () => {
    const data = await sineData(1);
    const before = tf.memory().numTensors;
    const points = await capacitySweep(data, { ...base, epochs: 150 });
    expect(points.map((p) => p.units)).toEqual([...CAPACITIES]);
    expect((points.at(-1) as { train: number }).train).toBeLessThan(points[0].train);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('k-fold gives one score per fold and their mean', async () => {
    const data = await sineData(1);
    const before = tf.memory().numTensors;
    const r = await kFoldScores(data, { ...base, epochs: 40, folds: 4 });
    expect(r.scores).toHaveLength(4);
    expect(r.mean).toBeCloseTo(r.scores.reduce((a, b) => a + b, 0) / 4, 10);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('augmentation previews', () => {
  it('change the digits, the same seed gives the same previews, and zero strengths change nothing', async () => {
    const digits = parseDigits(
      mnistSubsetFile(MNIST_FILES.testImages),
      mnistSubsetFile(MNIST_FILES.testLabels),
    );
    const before = tf.memory().numTensors;
    const a = await previews(digits, base);
    expect(a.names).toEqual([
      'randomRotation',
      'randomZoom',
      'randomTranslation',
      'gaussianNoise',
      'randomErasing',
    ]);
    expect(a.change).toBeGreaterThan(0.01);
    expect(await previews(digits, base)).toEqual(a);
    expect((await previews(digits, { ...base, augmentSeed: 2 })).copies).not.toEqual(a.copies);
    const none = { ...base, rotation: 0, zoom: 0, shift: 0, noise: 0, erasing: 0 };
    expect(augmentations(none)).toEqual([]);
    expect((await previews(digits, none)).change).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
