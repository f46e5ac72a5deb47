import { initBackend } from '@tensorfold/backend';
import { ConfigError, DataError, NonFiniteLossError, setSeed, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcgan } from './dcgan.js';

beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

/** 8 random images [8, 28, 28, 1] and their classes [8] (0 to 3). */
const data = () => ({
  images: tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 3),
  indices: tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'),
});

describe("a GAN's labels", () => {
  it('are refused, not ignored, by a GAN without a class head', async () => {
    setSeed(1);
    const model = dcgan({ latentDim: 8, filters: 16 });
    model.compile({});
    const { images, indices } = data();
    const fitting = model.fit(images, indices, { epochs: 1, batchSize: 8 });
    await expect(fitting).rejects.toThrow(ConfigError);
    await expect(model.fit(images, indices, { epochs: 1, batchSize: 8 })).rejects.toThrow(
      /no class head.*dcgan\(\{classes: N\}\).*or call fit\(realSamples, args\) without labels/,
    );
    tf.dispose([images, indices]);
    model.dispose();
  });

  it('must be class indices in [0, classes) or one-hot rows, else a DataError naming the value', async () => {
    setSeed(2);
    const model = dcgan({ latentDim: 8, filters: 16, classes: 4 });
    model.compile({});
    const { images } = data();
    const oneBased = tf.tensor1d([1, 2, 3, 4, 1, 2, 3, 4], 'int32'); // 4 is outside [0, 4)
    const fractional = tf.tensor1d([0, 1, 2, 3, 0, 1.5, 2, 3]);
    const negative = tf.tensor1d([0, 1, 2, -1, 0, 1, 2, 3]);
    const zeroRow = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 9], 'int32'), 4); // row 7 all zeros
    const fit = (ys: tf.Tensor) => model.fit(images, ys, { epochs: 1, batchSize: 8 });
    await expect(fit(oneBased)).rejects.toThrow(DataError);
    await expect(fit(oneBased)).rejects.toThrow(/Label 3 is 4, not a class index.*need 1 subtracted/);
    await expect(fit(fractional)).rejects.toThrow(/Label 5 is 1\.5, not a class index/);
    await expect(fit(negative)).rejects.toThrow(/Label 3 is -1, not a class index/);
    await expect(fit(zeroRow)).rejects.toThrow(/Label row 7 is \[0, 0, 0, 0\], not a one-hot row/);
    // One batch at a time (no fit to check the labels once): checked per batch.
    await expect(model.trainOnBatch(images, oneBased)).rejects.toThrow(/Label 3 is 4/);
    tf.dispose([images, oneBased, fractional, negative, zeroRow]);
    model.dispose();
  });

  it('leak nothing when a step fails: a NaN loss, or an uncompiled GAN', async () => {
    setSeed(3);
    const model = dcgan({ latentDim: 8, filters: 16, classes: 4 });
    const { images, indices } = data();
    const uncompiled = () => model.trainOnBatch(images, indices);
    await expect(uncompiled()).rejects.toThrow(/Call compile\(\) before fit\(\)/); // makes the model's running sums
    const before = tf.memory().numTensors;
    await expect(uncompiled()).rejects.toThrow(/Call compile\(\) before fit\(\)/);
    expect(tf.memory().numTensors).toBe(before);
    model.compile({});
    await model.fit(images, indices, { epochs: 1, batchSize: 8, seed: 1 }); // the optimizers' state
    const nan = tf.fill([8, 28, 28, 1], Number.NaN); // [8, 28, 28, 1]
    const nanFit = () => model.fit(nan, indices, { epochs: 1, batchSize: 8, seed: 1 });
    await expect(nanFit()).rejects.toThrow(NonFiniteLossError); // frees the last fit's running sums
    const kept = tf.memory().numTensors;
    await expect(nanFit()).rejects.toThrow(NonFiniteLossError);
    expect(tf.memory().numTensors).toBe(kept);
    tf.dispose([images, indices, nan]);
    model.dispose();
  });
});
