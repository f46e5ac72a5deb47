import { initBackend } from '@tensorfold/backend';
import { ConfigError, loadModel, memoryIO, setSeed, tf } from '@tensorfold/core';
import { piecewiseConstantDecay } from '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcgan, dcganDiscriminator, dcganGenerator } from './dcgan.js';
import { GAN } from './gan.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

describe('dcgan', () => {
  it('makes images of the shape asked for, in [-1, 1], the same for the same seed', () => {
    for (const imageShape of [
      [28, 28, 1],
      [32, 32, 3],
    ] as [number, number, number][]) {
      setSeed(1);
      const model = dcgan({ imageShape, latentDim: 16, filters: 32 });
      const a = model.sample(3, 11);
      const b = model.sample(3, 11);
      expect(a.shape).toEqual([3, ...imageShape]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Math.max(...Array.from(tf.abs(a).dataSync()))).toBeLessThanOrEqual(1);
      tf.dispose([a, b]);
      model.dispose();
    }
  });

  it('follows the DCGAN guidelines: no pooling, transposed convs, batch norm only in the generator, tanh out', () => {
    const generator = dcganGenerator({ latentDim: 8 });
    const discriminator = dcganDiscriminator();
    const kinds = (layers: { className: string }[]) => layers.map((l) => l.className);
    expect(kinds(generator.layers)).toContain('Conv2DTranspose');
    expect(kinds(generator.layers)).toContain('BatchNormalization');
    expect(kinds(discriminator.layers)).not.toContain('BatchNormalization');
    expect(kinds([...generator.layers, ...discriminator.layers]).some((k) => k.includes('Pooling'))).toBe(
      false,
    );
    expect(kinds(discriminator.layers).filter((k) => k === 'LeakyReLU')).toHaveLength(2);
    const last = generator.layers[generator.layers.length - 1];
    expect((last.getConfig() as { activation: string }).activation).toBe('tanh');
    generator.dispose();
    discriminator.dispose();
  });

  it('adds stride-1 blocks at the first resolution and batch norm to the discriminator when asked', () => {
    setSeed(7);
    const model = dcgan({ latentDim: 8, filters: 16, generatorBlocks: 2, discriminatorBatchNorm: true });
    const kinds = (layers: { className: string }[]) => layers.map((l) => l.className);
    const g = kinds(model.generator.layers);
    expect(g.filter((k) => k === 'Conv2D')).toHaveLength(2);
    expect(g.filter((k) => k === 'BatchNormalization')).toHaveLength(4); // dense, 2 blocks, first upsampling
    expect(g.indexOf('Conv2D')).toBeLessThan(g.indexOf('Conv2DTranspose')); // before the upsamplings
    const blockOutput = model.generator.layers[g.indexOf('Conv2D')].outputShape;
    expect(blockOutput).toEqual([null, 7, 7, 16]); // [batch, h/4, w/4, filters]
    const d = kinds(model.discriminator.layers);
    expect(d.filter((k) => k === 'BatchNormalization')).toHaveLength(1);
    expect(d.indexOf('BatchNormalization')).toBeGreaterThan(d.lastIndexOf('Conv2D')); // not on the input layer
    // Each block: a 5x5 kernel of filters x filters, no bias, and a batch norm's 4 x filters.
    const plain = dcganGenerator({ latentDim: 8, filters: 16 });
    expect(model.generator.countParams() - plain.countParams()).toBe(2 * (25 * 16 * 16 + 4 * 16));
    const x = model.sample(3, 2);
    expect(x.shape).toEqual([3, 28, 28, 1]);
    x.dispose();
    plain.dispose();
    model.dispose();
  });

  it('trains and round-trips the deeper DCGAN through save and load', async () => {
    setSeed(8);
    const model = dcgan({
      latentDim: 8,
      filters: 16,
      generatorBlocks: 1,
      discriminatorBatchNorm: true,
      seed: 3,
    });
    model.compile({ labelSmoothing: 0.1 });
    const images = tf.randomUniform([16, 32, 32, 3], -1, 1, 'float32', 4);
    await expect(model.fit(images, { epochs: 1, batchSize: 8 })).rejects.toThrow(); // 28x28x1 model
    images.dispose();
    const digits = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 4);
    await model.fit(digits, { epochs: 1, batchSize: 8 }); // moves the batch norms' statistics off 0/1
    const before = tf.memory().numTensors;
    const io = memoryIO();
    await model.save(io);
    const restored = (await loadModel(io)) as GAN;
    const a = model.sample(2, 9);
    const b = restored.sample(2, 9);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const p = tf.tidy(() => model.discriminator.forward([digits], { training: false })[0]);
    const q = tf.tidy(() => restored.discriminator.forward([digits], { training: false })[0]);
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    tf.dispose([a, b, p, q]);
    restored.dispose();
    expect(tf.memory().numTensors).toBe(before);
    digits.dispose();
    model.dispose();
  });

  it('learns from real and generated batches apart with separateBatches (the default with batch norm): the same loss without batch norm', async () => {
    const images = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 5);
    const firstLoss = async (discriminatorBatchNorm: boolean, separateBatches?: boolean) => {
      setSeed(9);
      const model = dcgan({ latentDim: 8, filters: 16, dropout: 0, discriminatorBatchNorm, seed: 2 });
      model.compile({ labelSmoothing: 0.1, separateBatches });
      const history = await model.fit(images, { epochs: 1, batchSize: 8, seed: 1 });
      model.dispose();
      return history.history.d_loss[0];
    };
    expect(await firstLoss(false, true)).toBeCloseTo(await firstLoss(false, false), 5);
    // With batch norm the joint batch's statistics mix real and generated images: another loss.
    expect(Math.abs((await firstLoss(true, true)) - (await firstLoss(true, false)))).toBeGreaterThan(1e-3);
    // compile's default for a batch-normed discriminator: batches apart.
    expect(await firstLoss(true)).toBeCloseTo(await firstLoss(true, true), 5);
    images.dispose();
  });

  it('rejects a bad depth or filter count, saying what works', () => {
    expect(() => dcgan({ generatorBlocks: -1 })).toThrow(/generatorBlocks must be an integer >= 0/);
    expect(() => dcgan({ generatorBlocks: 1.5 })).toThrow(ConfigError);
    expect(() => dcgan({ filters: 33 })).toThrow(/filters must be an even integer >= 2/);
  });

  it('says which image shapes its upsampling can reach', () => {
    expect(() => dcgan({ imageShape: [30, 30, 1] })).toThrow(
      /multiples of 4; 30x30 is not \(use height 28 or 32, width 28 or 32/,
    );
  });

  it('trains both players in one step, the generator through a frozen discriminator, leaking nothing', async () => {
    setSeed(2);
    const model = dcgan({ latentDim: 8, filters: 16 });
    model.compile({ labelSmoothing: 0.1 });
    const images = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 3);
    await model.fit(images, { epochs: 1, batchSize: 8 }); // creates the optimizers' state
    const g0 = model.generator.getWeights();
    const d0 = model.discriminator.getWeights();
    const before = tf.memory().numTensors;
    const history = await model.fit(images, { epochs: 1, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(history.history.d_loss[0])).toBe(true);
    const changed = (a: tf.Tensor[], b: tf.Tensor[]) =>
      a.some((t, i) => tf.any(tf.notEqual(t, b[i])).dataSync()[0] === 1);
    expect(changed(g0, model.generator.getWeights())).toBe(true);
    expect(changed(d0, model.discriminator.getWeights())).toBe(true);
    tf.dispose([images, ...g0, ...d0]);
    model.dispose();
  });

  it("sets both default Adams' learning rate, a schedule evaluated per step", async () => {
    setSeed(6);
    const model = dcgan({ latentDim: 8, filters: 16 });
    // 1e-3 for the first step (step 0), then 0: the second fit moves no trainable weight.
    model.compile({ learningRate: piecewiseConstantDecay({ boundaries: [0], values: [1e-3, 0] }) });
    const images = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 7);
    const trainable = () =>
      [model.generator, model.discriminator].flatMap((m) =>
        m.trainableWeights.map((w) => tf.clone(w.read())),
      );
    const w0 = trainable();
    await model.fit(images, { epochs: 1, batchSize: 8 }); // step 0, at 1e-3
    const w1 = trainable();
    await model.fit(images, { epochs: 1, batchSize: 8 }); // step 1, at 0
    const w2 = trainable();
    const moved = (a: tf.Tensor[], b: tf.Tensor[]) =>
      a.map((t, i) => tf.any(tf.notEqual(t, b[i])).dataSync()[0] === 1);
    expect(moved(w0, w1).every(Boolean)).toBe(true); // every weight of both players moved at 1e-3
    expect(moved(w1, w2).some(Boolean)).toBe(false);
    expect(() => model.compile({ learningRate: -1 })).toThrow(ConfigError);
    tf.dispose([images, ...w0, ...w1, ...w2]);
    model.dispose();
  });

  it('saves both players in the TensorFlow.js layers format and loads them back as a GAN', async () => {
    setSeed(4);
    const model = dcgan({ latentDim: 8, filters: 16, seed: 5 });
    const io = memoryIO();
    await model.save(io);
    const loaded = await loadModel(io);
    expect(loaded).toBeInstanceOf(GAN);
    const restored = loaded as GAN;
    expect(restored.latentDim).toBe(8);
    const a = model.sample(2, 9);
    const b = restored.sample(2, 9);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    model.dispose();
    restored.dispose();
  });
});
