import { initBackend } from '@tensorfold/backend';
import {
  ConfigError,
  input,
  loadModel,
  memoryIO,
  model,
  type SymbolicTensor,
  setSeed,
  tf,
} from '@tensorfold/core';
import { dense, flatten } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { classClarityLoss, classLabelLoss } from './class-head.js';
import { dcgan, dcganGenerator } from './dcgan.js';
import { GAN, gan } from './gan.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

describe('class terms', () => {
  /** The clarity term of a batch of class predictions `[n, classes]`. */
  const value = (rows: number[][]) => {
    const t = tf.tensor2d(rows);
    const v = classClarityLoss(t).dataSync()[0];
    t.dispose();
    return v;
  };

  it("CatGAN's clarity term is lowest for confident, balanced predictions and highest for collapsed doubt", () => {
    const log2 = Math.log(2);
    expect(
      value([
        [1, 0],
        [0, 1],
      ]),
    ).toBeCloseTo(-log2, 4); // clear and balanced
    expect(
      value([
        [1, 0],
        [1, 0],
      ]),
    ).toBeCloseTo(0, 4); // clear but one class
    expect(
      value([
        [0.5, 0.5],
        [0.5, 0.5],
      ]),
    ).toBeCloseTo(0, 4); // balanced but ambiguous
    expect(
      value([
        [0.9, 0.1],
        [0.1, 0.9],
      ]),
    ).toBeGreaterThan(-log2);
    expect(
      value([
        [0.9, 0.1],
        [0.1, 0.9],
      ]),
    ).toBeLessThan(0);
  });

  it('the clarity term lies in [-log min(n, K), 0]: 0 for a batch of one, -log n for n < K clear classes', () => {
    expect(value([[1, 0, 0, 0]])).toBeCloseTo(0, 5); // one sample: its entropy minus itself
    expect(value([[0.7, 0.1, 0.1, 0.1]])).toBeCloseTo(0, 5);
    expect(
      value([
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]),
    ).toBeCloseTo(-Math.log(2), 4); // the lowest for n = 2 < K = 4, not -log 4
    const mixed = value([
      [0.6, 0.2, 0.1, 0.1],
      [0.1, 0.3, 0.5, 0.1],
      [0.25, 0.25, 0.25, 0.25],
    ]);
    expect(mixed).toBeLessThanOrEqual(0); // never above 0 (the entropy is concave)
    expect(mixed).toBeGreaterThanOrEqual(-Math.log(3));
  });

  it('the label loss is the cross-entropy of the labelled class', () => {
    const labels = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const probs = tf.tensor2d([
      [0.25, 0.75],
      [0.5, 0.5],
    ]);
    const loss = classLabelLoss(labels, probs);
    expect(loss.dataSync()[0]).toBeCloseTo(-(Math.log(0.75) + Math.log(0.5)) / 2, 5);
    tf.dispose([labels, probs, loss]);
  });
});

describe('dcgan({classes})', () => {
  const data = () => {
    const images = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 3); // [16, 28, 28, 1]
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    return { images, labels };
  };

  it('gives the discriminator a class head and trains it on the labels, logging the class terms apart', async () => {
    setSeed(3);
    const model = dcgan({ latentDim: 8, filters: 16, classes: 4, seed: 2 });
    expect(model.classes).toBe(4);
    expect(model.discriminator.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 4],
    ]);
    model.compile({ labelSmoothing: 0.1 });
    const { images, labels } = data();
    await model.fit(images, labels, { epochs: 1, batchSize: 8, seed: 1 }); // the optimizers' state
    const head = model.discriminator.layers.find((l) => l.name === 'classes');
    const w0 = head?.getWeights().map((w) => tf.clone(w)) ?? [];
    const before = tf.memory().numTensors;
    const history = await model.fit(images, labels, { epochs: 1, batchSize: 8, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    const { d_class, g_class, d_loss } = history.history;
    expect(d_class[0]).toBeGreaterThan(0); // a cross-entropy
    // CatGAN's term lies in [-log min(n, K), 0] (batches of 8, 4 classes).
    expect(g_class[0]).toBeLessThanOrEqual(1e-4);
    expect(g_class[0]).toBeGreaterThanOrEqual(-Math.log(4) - 1e-4);
    expect(Number.isFinite(d_loss[0])).toBe(true);
    const moved = w0.some((t, i) => tf.any(tf.notEqual(t, head?.getWeights()[i] as tf.Tensor)).dataSync()[0]);
    expect(moved).toBe(true);
    tf.dispose([images, labels, ...w0]);
    model.dispose();
  });

  it('with classWeight 0 the class terms are skipped: no labels needed, the losses of a run without them', async () => {
    const run = async (classWeight: number, withLabels: boolean) => {
      setSeed(5);
      const model = dcgan({ latentDim: 8, filters: 16, classes: 4, dropout: 0, seed: 2 });
      model.compile({ classWeight });
      const { images, labels } = data();
      const args = { epochs: 1, batchSize: 16, seed: 1 }; // one step
      const h = withLabels ? await model.fit(images, labels, args) : await model.fit(images, args);
      tf.dispose([images, labels]);
      model.dispose();
      return h.history;
    };
    const unlabelled = await run(0, false); // no class terms at all
    const off = await run(0, true);
    const on = await run(1, true);
    // Weight 0: the labels change nothing, and no class term is computed or logged.
    expect(Object.keys(unlabelled).sort()).toEqual(['d_loss', 'g_loss']);
    expect(off).toEqual(unlabelled);
    // The discriminator's real/fake loss with weight 1: the same weights, the same batch, logged apart.
    expect(on.d_loss[0]).toBeCloseTo(unlabelled.d_loss[0], 5);
    expect(on.d_class[0]).toBeGreaterThan(0);
    // The generator's: after a discriminator step that the class term moved.
    expect(on.g_loss[0]).not.toBeCloseTo(unlabelled.g_loss[0], 5);
  });

  it('takes class indices [n] as well as one-hot labels, to the same losses', async () => {
    const run = async (asIndices: boolean) => {
      setSeed(8);
      const model = dcgan({ latentDim: 8, filters: 16, classes: 4, dropout: 0, seed: 2 });
      model.compile({});
      const { images, labels } = data();
      const ys = asIndices ? tf.argMax(labels, 1) : labels; // [16] int32 or [16, 4]
      const h = await model.fit(images, ys, { epochs: 1, batchSize: 8, seed: 1 });
      tf.dispose([images, labels, ys]);
      model.dispose();
      return h.history;
    };
    const oneHot = await run(false);
    const indices = await run(true);
    expect(indices.d_class[0]).toBeCloseTo(oneHot.d_class[0], 5);
    expect(indices.g_class[0]).toBeCloseTo(oneHot.g_class[0], 5);
  });

  it('saves and loads the class head with the GAN', async () => {
    setSeed(6);
    const model = dcgan({ latentDim: 8, filters: 16, classes: 3, seed: 5 });
    const io = memoryIO();
    await model.save(io);
    const restored = (await loadModel(io)) as GAN;
    expect(restored).toBeInstanceOf(GAN);
    expect(restored.classes).toBe(3);
    const x = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 1);
    const p = tf.tidy(() => model.discriminator.forward([x], { training: false })[1]);
    const q = tf.tidy(() => restored.discriminator.forward([x], { training: false })[1]);
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    tf.dispose([x, p, q]);
    model.dispose();
    restored.dispose();
  });

  it('refuses a discriminator whose second output is not class probabilities', () => {
    const image = input({ shape: [28, 28, 1] });
    const features = flatten().apply(image) as SymbolicTensor;
    const discriminator = model({
      inputs: image,
      outputs: [
        dense({ units: 1, activation: 'sigmoid' }).apply(features) as SymbolicTensor,
        dense({ units: 1, activation: 'sigmoid' }).apply(features) as SymbolicTensor,
      ],
    });
    const generator = dcganGenerator({ latentDim: 8, filters: 16 });
    expect(() => gan({ generator, discriminator })).toThrow(
      /must output one probability per sample, \[batch, 1\]; it outputs \[null,1\], \[null,1\]\..*a class head/,
    );
    generator.dispose();
    discriminator.dispose();
  });

  it('refuses a bad class count, a class weight without a head, and fit without labels', async () => {
    expect(() => dcgan({ classes: 1 })).toThrow(/classes must be 0 \(no class head\) or an integer >= 2/);
    expect(() => dcgan({ classes: 2.5 })).toThrow(ConfigError);
    setSeed(7);
    const plain = dcgan({ latentDim: 8, filters: 16 });
    expect(() => plain.compile({ classWeight: 1 })).toThrow(
      /classWeight needs a discriminator with a class head/,
    );
    plain.dispose();
    const model = dcgan({ latentDim: 8, filters: 16, classes: 4 });
    expect(() => model.compile({ classWeight: -1 })).toThrow(/classWeight must be a finite number >= 0/);
    model.compile({});
    const { images, labels } = data();
    await expect(model.fit(images, { epochs: 1, batchSize: 8 })).rejects.toThrow(
      /fit\(realSamples, labels\) with class indices \[n\] or one-hot labels \[n, 4\]/,
    );
    tf.dispose([images, labels]);
    model.dispose();
  });
});
