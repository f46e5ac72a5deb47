import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../lib/url-state';
import { makeDataset } from './datasets';
import { playgroundSchema } from './state';
import { GRID, logLoss, NEURON_GRID, Trainer } from './trainer';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

describe('Playground data sets', () => {
  it('are seeded, balanced and inside the square', () => {
    for (const name of ['circle', 'xor', 'gaussians', 'spiral'] as const) {
      const a = makeDataset(name, 100, 0.2, 5);
      expect(makeDataset(name, 100, 0.2, 5), name).toEqual(a);
      expect(makeDataset(name, 100, 0.2, 6), name).not.toEqual(a);
      expect(a.y.filter((v) => v === 1)).toHaveLength(50);
      expect(a.x.flat().every((v) => Math.abs(v) <= 6)).toBe(true);
    }
  });

  it('circle: class 1 lies inside, class 0 outside, without noise', () => {
    const { x, y } = makeDataset('circle', 100, 0, 1);
    for (const [i, [a, b]] of x.entries()) {
      const r = Math.hypot(a, b);
      expect(y[i] === 1 ? r <= 2.5 : r >= 3.5).toBe(true);
    }
  });
});

describe('Playground trainer', () => {
  it('log loss is the binary cross-entropy', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
    expect(logLoss([0.9], [1])).toBeCloseTo(-Math.log(0.9), 12);
  });

  it('training steps lower the loss, the same seed gives the same run, and dispose frees every tensor', async () => {
    const settings = { ...defaults(playgroundSchema), dataset: 'circle' as const, learningRate: 0.3 };
    const before = tf.memory().numTensors;
    const a = new Trainer(settings);
    const start = await a.record();
    let last = start;
    for (let i = 0; i < 8; i++) last = await a.step();
    expect(last.epoch).toBe(8);
    expect(last.trainLoss).toBeLessThan(start.trainLoss);
    expect(a.trainLoss).toHaveLength(9);
    expect(await a.regions()).toHaveLength(GRID * GRID);
    const neurons = await a.neurons(); // the hidden layers 4 and 2 of the default network
    expect(neurons.map((n) => n.units)).toEqual([4, 2]);
    expect(neurons[0].values).toHaveLength(NEURON_GRID * NEURON_GRID * 4);
    expect(neurons[0].values.every((v) => Math.abs(v) <= 1)).toBe(true); // tanh
    const b = new Trainer(settings);
    await b.record();
    for (let i = 0; i < 8; i++) await b.step();
    expect(b.trainLoss).toEqual(a.trainLoss);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds every option: no hidden layer, L1, L2, dropout', async () => {
    const base = defaults(playgroundSchema);
    for (const change of [
      { layers: [] },
      { regularization: 'l1' as const, regularizationRate: 0.01 },
      { regularization: 'l2' as const, regularizationRate: 0.01, dropout: 0.3, activation: 'relu' as const },
    ]) {
      const t = new Trainer({ ...base, ...change });
      await t.record();
      const r = await t.step();
      expect(Number.isFinite(r.trainLoss)).toBe(true);
      t.dispose();
    }
  });
});
